"""wrap_function and create_tool_executor through a real client and a local recording server:
the check each call makes, the record it sends, the signature kept, errors raised unchanged."""

import asyncio
import inspect
import unittest

from agenttrail import ActionBlockedError, AsyncAgentTrail
from agenttrail.integrations.tool_calls import arun_tool_calls, run_tool_calls
from agenttrail.integrations.tools import create_tool_executor, wrap_function

from . import openai_fixtures as ofx
from .openai_models import ChatCompletion, Response
from .provider_models import new
from .test_client import KEY, ClientTestCase


class Invoice(object):
    def __init__(self, total):
        self.total, self.lines = total, ["a", "b"]


class ToolsTestCase(ClientTestCase):
    def events(self, client):
        self.assertTrue(client.flush(5))
        return [e for r in self.server.batch_requests() for e in r.events]

    def checks(self):
        return [r.body for r in self.server.requests if r.path == "/api/v1/check"]


class TestWrapFunction(ToolsTestCase):
    def test_keeps_the_signature_and_records_arguments_result_and_duration(self):
        c = self.client()

        def charge(customer_id, amount_cents, *, currency="eur", **extra):
            """Charges a customer."""
            return Invoice(amount_cents)

        wrapped = wrap_function(c, charge, agent="billing", service="stripe")
        self.assertEqual(inspect.signature(wrapped), inspect.signature(charge))
        self.assertEqual((wrapped.__name__, wrapped.__doc__, wrapped.__wrapped__),
                         ("charge", "Charges a customer.", charge))
        invoice = wrapped("cus_1", 500, note="first")
        self.assertIsInstance(invoice, Invoice)
        # The check sends the arguments too, so a payload policy can decide before the call.
        self.assertEqual(self.checks(), [{
            "agent": "billing", "service": "stripe", "action": "charge",
            "environment": "production",
            "input": {"customer_id": "cus_1", "amount_cents": 500, "extra": {"note": "first"}}}])
        (event,) = self.events(c)
        self.assertEqual({k: event[k] for k in ("kind", "agent", "service", "action", "status",
                                                "input", "output", "metadata")}, {
            "kind": "action", "agent": "billing", "service": "stripe", "action": "charge",
            "status": "success",
            "input": {"customer_id": "cus_1", "amount_cents": 500,
                      "extra": {"note": "first"}},
            "output": {"total": 500, "lines": ["a", "b"]},
            "metadata": {"source": "tracked-function"}})
        self.assertGreaterEqual(event["duration_ms"], 0)
        self.assertEqual(self.errors, [])

    def test_raises_the_error_unchanged_and_records_it(self):
        c = self.client()
        failure = KeyError("no such customer")

        @wrap_function(c, agent="billing", action="refund", check=False,
                       metadata={"team": "payments"})
        def refund(customer_id):
            raise failure

        with self.assertRaises(KeyError) as raised:
            refund("cus_2")
        self.assertIs(raised.exception, failure)
        (event,) = self.events(c)
        self.assertEqual(self.checks(), [])
        self.assertEqual((event["status"], event["error"], event["input"], event["metadata"]),
                         ("error", {"name": "KeyError", "message": "'no such customer'"},
                          {"customer_id": "cus_2"},
                          {"team": "payments", "source": "tracked-function"}))
        self.assertIn("stack", event["output"])

    def test_a_method_is_recorded_without_self_and_a_refusal_stops_the_call(self):
        c = self.client()
        ran = []

        class Mailer(object):
            @wrap_function(c, agent="mailer", service="smtp", capture_output=False)
            def send(self, to, body):
                ran.append(to)
                return "queued"

        self.assertEqual(Mailer().send("ada@acme.com", "hi"), "queued")
        self.server.respond(200, body={"allowed": False, "blockReason": "agent paused"})
        with self.assertRaises(ActionBlockedError):
            Mailer().send("bob@acme.com", "hi")
        self.assertEqual(ran, ["ada@acme.com"])
        (event,) = self.events(c)
        self.assertEqual((event["input"], event["action"]), ({"to": "ada@acme.com",
                                                              "body": "hi"}, "send"))
        self.assertNotIn("output", event)

    def test_a_coroutine_function_stays_one_and_is_awaited_with_its_check_off_the_loop(self):
        c = self.client()

        async def lookup(city, unit="c"):
            await asyncio.sleep(0)
            if city == "nowhere":
                raise LookupError(city)
            return {"city": city, "temp": 21}

        wrapped = wrap_function(c, lookup, agent="weather", service="meteo")
        self.assertTrue(inspect.iscoroutinefunction(wrapped))
        self.assertEqual(inspect.signature(wrapped), inspect.signature(lookup))

        async def main():
            self.assertEqual(await wrapped("Paris"), {"city": "Paris", "temp": 21})
            with self.assertRaises(LookupError):
                await wrapped("nowhere", unit="f")

        asyncio.run(main())
        ok, failed = self.events(c)
        self.assertEqual((ok["status"], ok["input"], ok["output"]),
                         ("success", {"city": "Paris"}, {"city": "Paris", "temp": 21}))
        self.assertEqual((failed["status"], failed["input"], failed["error"]["name"]),
                         ("error", {"city": "nowhere", "unit": "f"}, "LookupError"))
        self.assertEqual(len(self.checks()), 2)

    def test_works_with_the_async_client_and_refuses_unknown_options(self):
        trail = AsyncAgentTrail(api_key=KEY, base_url=self.server.url, flush_on_exit=False,
                                on_error=self.errors.append)
        self.clients.append(trail.sync)

        @wrap_function(trail, agent="async-bot", check=False)
        async def answer(question):
            return "42"

        self.assertEqual(asyncio.run(answer("why?")), "42")
        (event,) = self.events(trail.sync)
        self.assertEqual((event["agent"], event["action"], event["output"]),
                         ("async-bot", "answer", "42"))
        with self.assertRaises(TypeError):
            wrap_function(trail, answer, agent="x", enrich=None)
        with self.assertRaises(TypeError):
            wrap_function(trail, answer)  # no agent


class TestToolExecutor(ToolsTestCase):
    def test_runs_each_tool_through_track_and_records_it_as_a_tool_call(self):
        c = self.client()

        async def search(args):
            return {"hits": [args["q"]]}

        execute = create_tool_executor(
            c, "tool-bot", {"get_weather": lambda args: "sunny in " + args["city"],
                            "search": search},
            service_map={"get_weather": {"service": "meteo", "action": "forecast"},
                         "search": "tavily"})
        self.assertEqual(execute("get_weather", {"city": "Paris"}), "sunny in Paris")
        self.assertEqual(asyncio.run(execute("search", {"q": "news"})), {"hits": ["news"]})
        with self.assertRaises(ValueError) as raised:
            execute("send_email", {})
        self.assertEqual(str(raised.exception), "Unknown tool: send_email")
        weather, search_event = self.events(c)
        self.assertEqual({k: weather[k] for k in ("kind", "agent", "service", "action", "input",
                                                  "output", "metadata")}, {
            "kind": "tool_call", "agent": "tool-bot", "service": "meteo", "action": "forecast",
            "input": {"city": "Paris"}, "output": "sunny in Paris",
            "metadata": {"source": "openai-agents", "toolName": "get_weather",
                         "argsPreview": '{"city": "Paris"}'}})
        self.assertEqual((search_event["service"], search_event["action"],
                          search_event["output"]), ("tavily", "invoke", {"hits": ["news"]}))
        self.assertEqual([b["service"] for b in self.checks()], ["meteo", "tavily"])

    def test_a_handler_error_is_raised_unchanged_and_recorded(self):
        c = self.client()
        failure = ConnectionError("meteo down")

        def weather(args):
            raise failure

        execute = create_tool_executor(c, "tool-bot", {"weather": weather}, check=False)
        with self.assertRaises(ConnectionError) as raised:
            execute("weather", {"city": "Oslo"})
        self.assertIs(raised.exception, failure)
        (event,) = self.events(c)
        self.assertEqual((event["status"], event["service"], event["action"], event["error"]),
                         ("error", "weather", "invoke",
                          {"name": "ConnectionError", "message": "meteo down"}))


class TestRunToolCalls(ToolsTestCase):
    def test_answers_a_completions_tool_calls_and_records_each_with_its_call_id(self):
        c = self.client()
        message = new(ChatCompletion, ofx.CHAT_COMPLETION).choices[0].message
        answers = run_tool_calls(c, message.tool_calls, "weather-bot",
                                 {"get_weather": lambda args: {"temp": 21, **args}},
                                 service_map={"get_weather": "meteo"},
                                 event={"conversation_id": "conv-1", "metadata": {"x": 1}})
        self.assertEqual(answers, [{"role": "tool", "tool_call_id": "call_abc123",
                                    "content": '{"temp": 21, "city": "Paris"}'}])
        (event,) = self.events(c)
        self.assertEqual({k: event[k] for k in ("kind", "agent", "service", "action", "input",
                                                "output", "conversation_id", "metadata")}, {
            "kind": "tool_call", "agent": "weather-bot", "service": "meteo",
            "action": "invoke", "input": {"city": "Paris"},
            "output": {"temp": 21, "city": "Paris"}, "conversation_id": "conv-1",
            "metadata": {"x": 1, "source": "openai", "toolName": "get_weather",
                         "tool_call_id": "call_abc123"}})

    def test_responses_function_calls_get_function_call_outputs_and_errors_are_raised(self):
        c = self.client()
        calls = [item for item in new(Response, ofx.RESPONSE).output
                 if item.type == "function_call"]

        async def get_weather(args):
            return "sunny in " + args["city"]

        answers = asyncio.run(arun_tool_calls(c, calls, "resp-bot", {"get_weather": get_weather},
                                              check=False))
        self.assertEqual(answers, [{"type": "function_call_output", "call_id": "call_12345xyz",
                                    "output": "sunny in Paris"}])
        with self.assertRaises(TypeError):
            run_tool_calls(c, calls, "resp-bot", {"get_weather": get_weather})
        with self.assertRaises(ValueError):
            run_tool_calls(c, [{"id": "c1", "function": {"name": "nope", "arguments": "{}"}}],
                           "resp-bot", {})
        with self.assertRaises(ValueError):  # arguments that are not JSON
            run_tool_calls(c, [{"id": "c2", "function": {"name": "f", "arguments": "{oops"}}],
                           "resp-bot", {"f": lambda a: a})
        (event,) = self.events(c)
        self.assertEqual((event["output"], event["metadata"]["tool_call_id"], self.checks()),
                         ("sunny in Paris", "call_12345xyz", []))


if __name__ == "__main__":
    unittest.main()
