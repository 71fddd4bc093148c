"""The youth service offered beside a probation body of the same place, as a button that shows it."""

from __future__ import annotations

import pytest

from tests import youth_data as yd

pytestmark = pytest.mark.e2e


def labels(call) -> list[str]:
    return [b["text"] for row in (call.markup or {}).get("inline_keyboard", []) for b in row]


async def test_a_bare_place_offers_its_youth_service_and_the_button_shows_it(api, real_bot):
    sent = await api.reply_to(api.private("how did Leeds do?"))
    assert "Leeds Probation Delivery Unit" in sent.text
    name = yd.latest_name("yjs-leeds")
    offered = [label for label in labels(sent) if label.startswith(f"Also: {name}")]
    assert len(offered) == 1, labels(sent)
    api.press(sent, offered[0])
    (edit,) = await api.wait_for("editMessageText")
    assert f"<b>{name}</b>" in edit.text
    assert yd.history("yjs-leeds")[-1].overall_rating in edit.text


async def test_a_youth_question_offers_the_probation_body(api, real_bot):
    sent = await api.reply_to(api.private("how did Leeds YOT do?"))
    assert yd.latest_name("yjs-leeds") in sent.text
    assert any(label.startswith("Also: Leeds PDU") for label in labels(sent)), labels(sent)
