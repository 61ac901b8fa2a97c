"""Drop-in surfaces of other agent-logging clients, on the AgentTrail client: code written for
them changes one import line (and, where it talks to a server, its base URL and key)."""
