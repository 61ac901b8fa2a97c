"""The steps of ``agentledger-py``'s ``track()`` that its sync and async clients share: what a
refusal raises, what a failed check does, and what a failed function is recorded as."""

import traceback


def refuse_unless_allowed(check_result):
    """A refusal raises ``RuntimeError("AgentLedger: Action blocked - <reason>")`` (the reason
    defaults to ``budget exceeded``); an approval is a refusal too, as in the published client."""
    if not check_result.allowed:
        reason = check_result.block_reason or "budget exceeded"
        raise RuntimeError("AgentLedger: Action blocked - %s" % reason)


def check_failed(exc, fail_open, handle_error):
    """A check that could not be made: raise in fail-closed mode, else report and go on. As
    published, only non-RuntimeError failures get here (network errors, timeouts); an HTTP error
    answer is a RuntimeError and ``track`` raises it in both modes."""
    if not fail_open:
        raise RuntimeError("AgentLedger: Cannot verify action (fail-closed mode)") from exc
    handle_error(exc)


def error_output(exc):
    """The output recorded for a function that raised: its message and formatted traceback."""
    return {"error": str(exc), "stack": "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__))}


def call_handler(on_error, exc):
    """The published client's ``_handle_error``: ``on_error(exc)`` when set, else nothing."""
    error = exc if isinstance(exc, Exception) else Exception(str(exc))
    if on_error:
        on_error(error)
