// The owner's 知识库 page: list and search entries, add/edit/disable/delete, 试一试, history with undo.
(function () {
  "use strict";
  const $ = function (id) { return document.getElementById(id); };
  let entries = [];
  let editing = null; // key of the entry in the form; null: a new entry

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  async function api(method, path, body) {
    const response = await fetch(path, {
      method: method,
      headers: { "Content-Type": "application/json", "X-Requested-With": "console" },
      body: body ? JSON.stringify(body) : undefined,
    });
    let data = null;
    try { data = await response.json(); } catch (error) { data = null; }
    if (!response.ok) throw new Error((data && data.error) || "操作没有成功（" + response.status + "），请稍后再试");
    return data;
  }

  function status(text, bad) {
    $("status").textContent = text;
    $("status").className = bad ? "error" : "muted";
  }

  function button(text, onClick) {
    const node = el("button", text);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  function matchesSearch(row, words) {
    if (!words) return true;
    const e = row.entry;
    return [e.question, e.answer].concat(e.similar, e.keywords).join("\n").toLowerCase().indexOf(words) >= 0;
  }

  function drawEntries() {
    const words = $("search").value.trim().toLowerCase();
    const body = $("entries").querySelector("tbody");
    body.replaceChildren();
    entries.filter(function (row) { return matchesSearch(row, words); }).forEach(function (row) {
      const e = row.entry;
      const tr = el("tr", null, row.state === "启用" ? "" : "off");
      tr.dataset.key = e.key;
      tr.appendChild(el("td", e.question));
      tr.appendChild(el("td", e.keywords.join("、")));
      const state = el("td");
      state.appendChild(el("span", row.state, "state"));
      if (row.missing.length) state.appendChild(el("div", "缺：" + row.missing.join("、"), "muted"));
      tr.appendChild(state);
      const actions = el("td");
      actions.appendChild(button(row.state === "待填写" ? "填写" : "编辑", function () { openEditor(row); }));
      if (!row.missing.length) {
        actions.appendChild(button(e.enabled ? "停用" : "启用", function () {
          change("POST", "/api/knowledge/entry/" + encodeURIComponent(e.key) + "/enabled", { enabled: !e.enabled },
            (e.enabled ? "已停用：" : "已启用：") + e.question);
        }));
      }
      actions.appendChild(button("删除", function () {
        if (window.confirm("确定删除「" + e.question + "」吗？删除后可以在修改记录里撤销。")) {
          change("DELETE", "/api/knowledge/entry/" + encodeURIComponent(e.key), null, "已删除：" + e.question);
        }
      }));
      tr.appendChild(actions);
      body.appendChild(tr);
    });
  }

  function drawHistory(history) {
    const body = $("history").querySelector("tbody");
    body.replaceChildren();
    history.forEach(function (row) {
      const tr = el("tr", null, row.undone ? "undone" : "");
      tr.dataset.change = row.change.id;
      tr.appendChild(el("td", new Date(row.change.at).toLocaleString("zh-CN")));
      tr.appendChild(el("td", row.change.by));
      tr.appendChild(el("td", row.kind + (row.undone ? "（已撤销）" : "")));
      tr.appendChild(el("td", row.question));
      const cell = el("td");
      if (!row.undone) {
        cell.appendChild(button("撤销", function () {
          change("POST", "/api/knowledge/history/" + encodeURIComponent(row.change.id) + "/undo", null,
            "已撤销这次" + row.kind + "：" + row.question);
        }));
      }
      tr.appendChild(cell);
      body.appendChild(tr);
    });
  }

  async function load() {
    const data = await api("GET", "/api/knowledge");
    entries = data.entries;
    drawEntries();
    drawHistory(data.history);
    document.body.dataset.loaded = "yes";
  }

  async function change(method, path, body, done) {
    try {
      await api(method, path, body);
      status(done, false);
    } catch (error) {
      status(error.message, true);
    }
    await load();
  }

  function openEditor(row) {
    const form = $("entry-form");
    const e = row ? row.entry : null;
    editing = e ? e.key : null;
    $("editor-title").textContent = e ? "编辑：" + e.question : "新增知识";
    form.elements.question.value = e ? e.question : "";
    form.elements.similar.value = e ? e.similar.join("\n") : "";
    form.elements.keywords.value = e ? e.keywords.join("\n") : "";
    form.elements.negative.value = e ? e.negative.join("\n") : "";
    form.elements.answer.value = e ? e.answer : "";
    form.elements.valid_from.value = row ? row.valid_from_local : "";
    form.elements.valid_until.value = row ? row.valid_until_local : "";
    form.elements.enabled.checked = e ? e.enabled : true;
    $("form-error").textContent = row && row.missing.length ? "请把答案里 {…} 的地方换成本店的实际情况：" + row.missing.join("、") : "";
    $("editor").hidden = false;
    form.elements.question.focus();
  }

  function lines(text) {
    return text.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
  }

  $("entry-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const form = event.target;
    const body = {
      question: form.elements.question.value, similar: lines(form.elements.similar.value),
      keywords: lines(form.elements.keywords.value), negative: lines(form.elements.negative.value),
      answer: form.elements.answer.value, valid_from: form.elements.valid_from.value,
      valid_until: form.elements.valid_until.value, enabled: form.elements.enabled.checked,
    };
    const path = editing ? "/api/knowledge/entry/" + encodeURIComponent(editing) : "/api/knowledge";
    try {
      await api("POST", path, body);
    } catch (error) {
      $("form-error").textContent = error.message; // the form keeps what the owner typed
      return;
    }
    $("editor").hidden = true;
    status("已保存：" + body.question.trim() + "（马上生效）", false);
    await load();
  });

  $("cancel").addEventListener("click", function () { $("editor").hidden = true; });
  $("new-entry").addEventListener("click", function () { openEditor(null); });
  $("search").addEventListener("input", drawEntries);

  $("try-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const result = $("try-result");
    result.textContent = "…";
    try {
      const answer = await api("POST", "/api/knowledge/try", { text: $("try-text").value });
      result.textContent = answer.summary;
      result.dataset.reached = answer.reached;
    } catch (error) {
      result.textContent = error.message;
      result.dataset.reached = "";
    }
  });

  load().then(function () {
    const wanted = new URLSearchParams(window.location.search).get("edit");
    const row = entries.find(function (r) { return r.entry.key === wanted; });
    if (row) openEditor(row);
  }).catch(function (error) { status(error.message, true); });
})();
