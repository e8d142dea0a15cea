"""The mining page in a real headless Chromium: an owner sees the five groups of the scripted missed
messages, in Chinese, and turns them into a (switched-off) entry, similar questions of an existing
entry and trainers' marks with one click each."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from bot.console.auth import AgentDirectory
from bot.knowledge.records import KnowledgeRecords
from bot.models import ShopData
from bot.store import ShopStore
from tests.conftest import marks_of
from tests.integration.console.test_app import HASHES, PASSWORDS
from tests.integration.console.test_marks_in_browser import console_in_a_thread
from tests.integration.mining.scripted import KINDS
from tests.integration.mining.test_mining_page import entry_of, publish_missed


def test_an_owner_turns_groups_into_answers_and_marks_in_the_browser(store: ShopStore, demo: ShopData, browser: Browser) -> None:
    expect.set_options(timeout=30_000)
    publish_missed(store)
    with console_in_a_thread(store, owners=AgentDirectory({"alice": HASHES["alice"]})) as url:
        page = browser.new_context().new_page()
        page.goto(f"{url}/login")
        page.fill("input[name=name]", "alice")
        page.fill("input[name=password]", PASSWORDS["alice"])
        page.click("button[type=submit]")
        page.goto(f"{url}/mining?days=7")
        groups = page.locator(".mined-group")
        expect(groups).to_have_count(5)
        assert [int(n) for n in groups.locator("h2 .count").all_inner_texts()] == [10, 8, 6, 4, 2]
        text = page.inner_text("body")
        assert "近7天" in text and "猜你想问" in text and "转人工" in text
        assert "ask_" not in text and "clarify" not in text and "handoff" not in text  # Chinese only

        # The biggest group: a new entry, left switched off for now.
        first = groups.nth(0)
        form = first.locator("form.new-entry")
        expect(form.locator("input[name=question]")).to_have_value(
            "你们回收旧衣服吗"
        )  # the most frequent wording (ties by character order)
        form.locator("button").click()  # no answer yet: the browser asks for it, nothing is written
        assert len(KnowledgeRecords(store.client, store.shop_id).entries()) == len(demo.knowledge)
        form.locator("textarea[name=answer]").fill("亲，店里暂时没有旧衣回收服务哦～")
        form.locator("input[name=enabled]").uncheck()
        form.locator("button").click()
        expect(first.locator(".result")).to_contain_text("已新建条目「你们回收旧衣服吗」（未启用）")
        made = [e for e in KnowledgeRecords(store.client, store.shop_id).entries() if e.question == "你们回收旧衣服吗"]
        assert len(made) == 1 and not made[0].enabled and set(made[0].similar) == set(KINDS["recycle"]) - {"你们回收旧衣服吗"}
        expect(first.locator(".result a")).to_have_attribute("href", f"/knowledge?edit={made[0].key}")
        link = first.locator(".result a").get_attribute("href")

        # The video group: added to an existing entry as its similar questions.
        last = groups.nth(3)
        last.locator("select[name=entry]").select_option("colour_difference")
        last.locator("form.add-similar button").click()
        expect(last.locator(".result")).to_contain_text("已加入")
        colour = entry_of(store, "colour_difference")
        assert colour is not None and set(KINDS["video"]) <= set(colour.similar)

        # Another: marked as an intent for the trainers.
        third = groups.nth(2)
        third.locator("select[name=intent]").select_option(label="问商品信息")
        third.locator("form.mark-intent button").click()
        expect(third.locator(".result")).to_contain_text("已把6条消息标为「问商品信息」")
        assert sorted(c.text for c in marks_of(store).all()) == sorted(KINDS["celebrity"])

        # On the next visit the answered and the marked groups are gone; the switched-off entry
        # answers nobody, so its group is still there.
        page.reload()
        expect(groups).to_have_count(3)
        expect(groups.nth(0).locator("h2")).to_contain_text("你们回收旧衣服吗")

        # The new entry's link opens it in the 知识库 editor, where the owner switches it on later.
        page.goto(f"{url}{link}")
        expect(page.locator("#editor-title")).to_have_text("编辑：你们回收旧衣服吗")
