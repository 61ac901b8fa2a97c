"""``agentledger-py``'s integrations: ``langchain.AgentLedgerCallbackHandler`` and
``openai_agents.with_agent_ledger`` / ``create_tool_executor``."""
