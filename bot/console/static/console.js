// Agent workbench: polls the queue and the open chat every 2 s; every action is a JSON POST.
(function () {
  "use strict";
  const me = document.body.dataset.agent;
  const $ = function (id) { return document.getElementById(id); };
  let current = null; // conversation id on screen
  let transcriptShown = ""; // the transcript and marks on screen (JSON): redrawn only when they change
  let marksShown = "";
  let vocabulary = null; // {intents, entities} of the domain, for the mark form
  let marks = {}; // message_ref -> the trainer's mark (correction) of a buyer message of this chat
  let editing = null; // message_ref whose mark form is open: the 2 s refresh leaves the transcript alone

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function wait(seconds) {
    if (seconds < 60) return seconds + "秒";
    if (seconds < 3600) return Math.floor(seconds / 60) + "分钟";
    return Math.floor(seconds / 3600) + "小时" + Math.floor((seconds % 3600) / 60) + "分钟";
  }

  function percent(confidence) {
    return Math.round((confidence || 0) * 100) + "%";
  }

  function stateLabel(card) {
    if (card.state === "waiting") return "等待认领";
    if (card.state === "claimed") return card.claimed_by === me ? "我已认领" : "已被 " + card.claimed_by + " 认领";
    return card.state === "returned" ? "已交还机器人" : "已结束";
  }

  async function api(method, path, body) {
    const response = await fetch(path, {
      method: method,
      headers: { "Content-Type": "application/json", "X-Requested-With": "console" },
      body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin",
    });
    if (response.status === 401) {
      window.location.href = "/login";
      throw new Error("请先登录");
    }
    const data = await response.json().catch(function () { return {}; });
    if (!response.ok) throw new Error(data.error || "出错了（" + response.status + "）");
    return data;
  }

  function status(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "muted";
  }

  async function refreshQueue() {
    const data = await api("GET", "/api/handoffs");
    const list = $("handoffs");
    list.replaceChildren();
    data.handoffs.forEach(function (card) {
      const item = el("li", null, "handoff " + card.state + (card.conversation_id === current ? " selected" : ""));
      item.dataset.conversation = card.conversation_id;
      item.dataset.state = card.state;
      item.appendChild(el("b", card.buyer_name ? card.buyer_name + "（" + card.buyer_id + "）" : card.buyer_id));
      item.appendChild(el("span", card.reason_label + (card.order_id ? " · 订单 " + card.order_id : ""), "reason"));
      item.appendChild(el("span", stateLabel(card) + " · 已等 " + wait(card.wait_seconds), "muted"));
      item.addEventListener("click", function () { open(card.conversation_id); });
      list.appendChild(item);
    });
    $("queue-empty").hidden = data.handoffs.length > 0;
    $("online").textContent = data.agents_online.length ? data.agents_online.join("、") : "无";
  }

  // While this page is open its agent counts as online (the server forgets them 30 s after the
  // last beat), so buyers are told honestly whether a person is there.
  function heartbeat() {
    api("POST", "/api/presence").catch(function (error) { status(error.message, true); });
  }

  function fillBuyer(summary) {
    const box = $("buyer");
    box.replaceChildren();
    const buyer = summary.buyer;
    if (!buyer) {
      box.appendChild(el("p", summary.handoff.buyer_id + "（不是店铺的买家账号）", "muted"));
      return;
    }
    box.appendChild(el("p", buyer.nickname + "（" + buyer.id + "）"));
    box.appendChild(el("p", "地区：" + (buyer.region || "未知") + " · 历史订单 " + buyer.past_orders + " 笔" +
      (buyer.tags.length ? " · " + buyer.tags.join("、") : ""), "muted"));
  }

  function fillItem(summary) {
    const box = $("item");
    box.replaceChildren();
    if (!summary.item) {
      box.appendChild(el("p", "—", "muted"));
      return;
    }
    box.appendChild(el("p", summary.item.name + "（" + summary.item.sku + "）"));
    box.appendChild(el("p", "¥" + summary.item.price + " · " + summary.item.colours.join("、"), "muted"));
  }

  function fillIntents(summary) {
    const list = $("intents");
    list.replaceChildren();
    summary.intents.forEach(function (guess) {
      list.appendChild(el("li", guess.label + "  " + percent(guess.confidence)));
    });
    if (!summary.intents.length) list.appendChild(el("li", "—", "muted"));
  }

  const SLOT_LABELS = {
    current_product: "当前商品", order_id: "订单号", height_cm: "身高(cm)", weight_kg: "体重(kg)",
    bust_cm: "胸围(cm)", waist_cm: "腰围(cm)", size: "尺码", colour: "颜色", region: "地区",
  };

  function fillSlots(summary) {
    const list = $("slots");
    list.replaceChildren();
    Object.keys(summary.slots).forEach(function (name) {
      list.appendChild(el("dt", SLOT_LABELS[name] || name));
      list.appendChild(el("dd", summary.slots[name]));
    });
    if (!Object.keys(summary.slots).length) list.appendChild(el("dd", "—", "muted"));
  }

  function fillOrders(summary) {
    const table = $("orders");
    table.replaceChildren();
    if (!summary.orders.length) {
      table.appendChild(el("caption", "没有订单", "muted"));
      return;
    }
    summary.orders.forEach(function (order) {
      const row = el("tr");
      [order.id, order.status, "¥" + order.total, order.items, order.tracking || ""].forEach(function (cell) {
        row.appendChild(el("td", cell));
      });
      table.appendChild(row);
    });
  }

  // -- trainer marks: the intent (and entities) a buyer message should have had ------------------
  async function loadMarks(conversationId) {
    const data = await api("GET", "/api/training/corrections?conversation_id=" + encodeURIComponent(conversationId));
    const found = {};
    data.corrections.forEach(function (mark) { found[mark.message_ref] = mark; });
    return found;
  }

  // Characters [start, end) of `covered` in `text`, counted in code points as Python does.
  function entitySpan(text, covered) {
    const at = covered ? text.indexOf(covered) : -1;
    if (at < 0) return null;
    const start = Array.from(text.slice(0, at)).length;
    return { start: start, end: start + Array.from(covered).length };
  }

  function option(select, value, label) {
    const node = el("option", label || value);
    node.value = value;
    select.appendChild(node);
  }

  function closeMarkForm() {
    editing = null;
    document.querySelectorAll("#transcript .mark-form").forEach(function (form) { form.remove(); });
  }

  async function saveMark(line, form) {
    const body = {
      conversation_id: current, text: line.text, message_id: line.message_id, event_timestamp: line.timestamp,
      predicted_intent: line.intent, predicted_confidence: line.confidence,
      correct_intent: form.elements.intent.value, entities: [],
    };
    const entity = form.elements.entity.value;
    if (!body.correct_intent || (!entity && form.elements.covered.value)) {
      status(body.correct_intent ? "请选择实体类型" : "请选择正确的意图", true);
      return;
    }
    if (entity) {
      const span = entitySpan(line.text, form.elements.covered.value);
      if (!span) {
        status("实体文字要和买家原话里的一字不差", true);
        return;
      }
      body.entities.push({ entity: entity, start: span.start, end: span.end });
    }
    try {
      const saved = await api("POST", "/api/training/corrections", body);
      status((saved.replaced ? "已改标注：" : "已标注：") + saved.correction.correct_intent_label, false);
      closeMarkForm();
    } catch (error) {
      status(error.message, true);
    }
    await refreshChat();
  }

  async function deleteMark(line) {
    try {
      await api("DELETE", "/api/training/corrections?conversation_id=" + encodeURIComponent(current) +
        "&message_ref=" + encodeURIComponent(line.message_ref));
      status("已删除标注", false);
    } catch (error) {
      status(error.message, true);
    }
    await refreshChat();
  }

  async function openMarkForm(line, item) {
    try {
      vocabulary = vocabulary || await api("GET", "/api/training/vocabulary");
    } catch (error) {
      status(error.message, true);
      return;
    }
    closeMarkForm();
    editing = line.message_ref;
    const mark = marks[line.message_ref];
    const form = el("form", null, "mark-form");
    const intent = el("select");
    intent.name = "intent";
    option(intent, "", "请选择");
    vocabulary.intents.forEach(function (name) { option(intent, name, vocabulary.labels[name]); });
    const preset = mark ? mark.correct_intent : line.intent;
    intent.value = vocabulary.intents.indexOf(preset) >= 0 ? preset : "";
    const entity = el("select");
    entity.name = "entity";
    option(entity, "", "无实体");
    vocabulary.entities.forEach(function (name) { option(entity, name, vocabulary.labels[name]); });
    const covered = el("input");
    covered.name = "covered";
    covered.placeholder = "实体在原话里的文字，如 一米七五";
    const first = mark && mark.entities[0];
    if (first) {
      entity.value = first.entity;
      covered.value = Array.from(line.text).slice(first.start, first.end).join("");
    }
    const save = el("button", "保存标注");
    save.type = "submit";
    const cancel = el("button", "取消", "link");
    cancel.type = "button";
    cancel.addEventListener("click", closeMarkForm);
    [el("span", "正确意图", "muted"), intent, el("span", "实体（可选）", "muted"), entity, covered, save, cancel]
      .forEach(function (node) { form.appendChild(node); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      saveMark(line, form);
    });
    item.appendChild(form);
  }

  function markControls(line, item) {
    if (!line.message_ref) return; // neither a message id nor a timestamp: nothing identifies it
    const mark = marks[line.message_ref];
    if (mark) {
      const entities = mark.entities.map(function (e) { return (mark.entity_labels[e.entity] || e.entity) + "=" + e.value; }).join("，");
      item.appendChild(el("span", "已标注：" + mark.correct_intent_label + (entities ? "（" + entities + "）" : "") +
        " · " + mark.corrected_by, "mark"));
    }
    const edit = el("button", mark ? "改标注" : "标注意图", "link mark-edit");
    edit.type = "button";
    edit.addEventListener("click", function () { openMarkForm(line, item); });
    item.appendChild(edit);
    if (mark) {
      const remove = el("button", "删除标注", "link mark-delete");
      remove.type = "button";
      remove.addEventListener("click", function () { deleteMark(line); });
      item.appendChild(remove);
    }
  }

  // Where an assistant answer came from: the intent and action, or the knowledge entry (a link to edit it).
  function answerSource(source) {
    const node = el("span", "来源：", "source");
    if (source.action) node.title = source.action;
    if (source.edit_url) {
      const link = el("a", source.text);
      link.href = source.edit_url;
      link.target = "_blank";
      node.appendChild(link);
    } else {
      node.appendChild(document.createTextNode(source.text));
    }
    return node;
  }

  function fillTranscript(summary) {
    const lines = JSON.stringify(summary.transcript);
    const marked = JSON.stringify(marks);
    if (editing || (lines === transcriptShown && marked === marksShown)) return;
    const grown = lines !== transcriptShown;
    transcriptShown = lines;
    marksShown = marked;
    const list = $("transcript");
    const scrolled = list.scrollTop;
    list.replaceChildren();
    const names = { buyer: "买家", assistant: "机器人", agent: "客服" };
    summary.transcript.forEach(function (line) {
      const item = el("li", null, "line " + line.speaker);
      let who = names[line.speaker];
      if (line.agent) who += " " + line.agent;
      item.appendChild(el("span", who, "who"));
      item.appendChild(el("span", line.text, "text"));
      (line.photo_ids || []).forEach(function (id) {
        // The buyer's photo, served only to logged-in agents; a click opens it full size.
        const src = "/api/conversations/" + encodeURIComponent(current) + "/photos/" + encodeURIComponent(id);
        const link = el("a", null, "photo");
        link.href = src;
        link.target = "_blank";
        const img = el("img", null, "buyer-photo");
        img.src = src;
        img.alt = "买家发来的图片";
        link.appendChild(img);
        item.appendChild(link);
      });
      if (line.intent) item.appendChild(el("span", line.intent_label + " " + percent(line.confidence), "intent"));
      if (line.source) item.appendChild(answerSource(line.source));
      if (line.speaker === "buyer") markControls(line, item);
      list.appendChild(item);
    });
    list.scrollTop = grown ? list.scrollHeight : scrolled;
  }

  async function refreshChat() {
    if (!current) return;
    let summary;
    try {
      summary = await api("GET", "/api/handoffs/" + encodeURIComponent(current));
    } catch (error) {
      status(error.message, true);
      return;
    }
    try {
      marks = await loadMarks(current);
    } catch (error) {
      status(error.message, true); // the marks shown stay as they were
    }
    const card = summary.handoff;
    $("detail").hidden = false;
    $("detail").dataset.state = card.state;
    $("detail").dataset.claimedBy = card.claimed_by || "";
    $("chat-title").textContent = (card.buyer_name || card.buyer_id) + " · " + card.reason_label;
    $("chat-meta").textContent = stateLabel(card) + " · 已等 " + wait(card.wait_seconds) +
      (summary.tracker_available ? "" : " · 暂时拿不到聊天记录（Rasa 服务器不可用）");
    const mine = card.state === "claimed" && card.claimed_by === me;
    const open_ = card.state === "waiting" || card.state === "claimed";
    $("claim").disabled = card.state !== "waiting";
    $("send").disabled = !mine;
    $("handback").disabled = !(open_ && (mine || card.state === "waiting"));
    $("close").disabled = $("handback").disabled;
    fillBuyer(summary);
    fillItem(summary);
    fillIntents(summary);
    fillSlots(summary);
    fillOrders(summary);
    fillTranscript(summary);
  }

  function open(conversationId) {
    current = conversationId;
    transcriptShown = marksShown = "";
    marks = {};
    editing = null;
    status("", false);
    refreshChat();
    refreshQueue();
  }

  function act(action, done) {
    return async function () {
      if (!current) return;
      try {
        await api("POST", "/api/handoffs/" + encodeURIComponent(current) + "/" + action);
        status(done, false);
      } catch (error) {
        status(error.message, true);
      }
      await refreshChat();
      await refreshQueue();
    };
  }

  $("claim").addEventListener("click", act("claim", "已认领，可以回复买家了"));
  $("handback").addEventListener("click", act("handback", "已交还机器人，买家的下一句由机器人回答"));
  $("close").addEventListener("click", act("close", "会话已结束"));
  $("reply-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const text = $("reply-text").value.trim();
    if (!text || !current) return;
    try {
      const outcome = await api("POST", "/api/handoffs/" + encodeURIComponent(current) + "/reply", { text: text });
      $("reply-text").value = "";
      const shop = { sent: "，已同步到店铺系统", failed: "，但同步店铺系统失败", not_configured: "" };
      status("已发送" + shop[outcome.shop_callback], false);
    } catch (error) {
      status(error.message, true);
    }
    await refreshChat();
  });

  function tick() {
    refreshQueue().catch(function (error) { status(error.message, true); });
    refreshChat();
  }
  heartbeat();
  setInterval(heartbeat, 10000);
  tick();
  setInterval(tick, 2000);
})();
