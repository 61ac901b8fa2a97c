"""Drop-in surfaces of other agent-audit clients on top of the AgentTrail client, so code written
for them moves to AgentTrail by changing one import line: ``agenttrail.compat.agentledger`` (the
``agentledger-py`` 0.5.0 client) and ``agenttrail.compat.agentwarden`` (AgentWarden's ``guard``)."""
