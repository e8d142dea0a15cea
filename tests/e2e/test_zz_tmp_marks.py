from tests.e2e.conftest import ConsoleClient, restart

def test_real_tracker_lines_can_be_marked(stack):
    buyer = "buyer_ahua"
    restart(stack.assistant, buyer)
    stack.assistant.say(buyer, "这件有黑色吗", "T001")
    stack.assistant.say(buyer, "转人工", "T001")
    agent = ConsoleClient(stack.console_url).login("alice")
    summary = agent.get(f"/api/handoffs/{buyer}").json()
    lines = [l for l in summary["transcript"] if l["speaker"] == "buyer"]
    print(lines)
    line = lines[-2]
    assert line["message_id"] and line["message_ref"] == line["message_id"]
    r = agent.post("/api/training/corrections", {"conversation_id": buyer, "text": line["text"], "message_id": line["message_id"],
        "event_timestamp": line["timestamp"], "predicted_intent": line["intent"], "predicted_confidence": line["confidence"],
        "correct_intent": "ask_stock", "entities": [{"entity": "colour", "start": 3, "end": 5}]})
    print(r.status_code, r.json())
    assert r.status_code == 201
    listed = agent.get(f"/api/training/corrections?conversation_id={buyer}").json()["corrections"]
    assert [c["message_ref"] for c in listed] == [line["message_ref"]]
