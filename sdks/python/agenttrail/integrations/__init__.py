"""Integrations: record provider calls, LangChain runs, tools and functions. None of them imports
a provider's library (openai, anthropic, google-genai, langchain) when imported."""
