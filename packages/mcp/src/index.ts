/** AgentTrail's MCP server (issue 17): the tools are being built. */
export const MCP_SERVER_NAME = 'agenttrail'
