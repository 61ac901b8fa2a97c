/** AgentTrail's MCP server: ask the trail in plain words from any MCP client (docs/mcp.md). */
export { createTrailMcpServer, MCP_SERVER_NAME, MCP_SERVER_VERSION } from './trail-mcp-server.js'
export type { TrailMcpServerOptions } from './trail-mcp-server.js'
export { runStdioServer } from './stdio.js'
export { TOOL_LIST, toolsFor } from './tool-catalog.js'
export { describeError } from './tool-error.js'
export type { TrailToolInfo } from './tool-catalog.js'
export type { TrailScope } from './trail-tool.js'
export { handleMcpHttp } from './http-handler.js'
