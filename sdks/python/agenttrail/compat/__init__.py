"""Drop-in surfaces of other agent-logging clients, on the AgentTrail client: code written for
them changes one import line (and its base URL and key). ``agenttrail.compat.logwick`` (Logwick's
``init``/``fire``/``LogwickClient``), ``agenttrail.compat.agentledger`` (the ``agentledger-py``
0.5.0 client) and ``agenttrail.compat.agentwarden`` (AgentWarden's ``guard``)."""
