// The questions nobody answered (/mining): each group's three one-click actions.
"use strict";

async function send(path, body) {
  const response = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Requested-With": "console" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || "操作失败，请刷新后重试");
  return data;
}

function knowledgeLink(text, url) {
  const a = Object.assign(document.createElement("a"), { href: url, textContent: "到知识库查看和修改" });
  return [document.createTextNode(text + " "), a];
}

const ACTIONS = {
  "add-similar": async (form, texts) => {
    const data = await send("/api/mining/similar", { entry: form.entry.value, texts });
    return knowledgeLink(`已加入「${data.question}」的相似问法（现有${data.similar}条）。`, data.edit_url);
  },
  "new-entry": async (form, texts) => {
    const data = await send("/api/mining/entry", {
      question: form.question.value, keywords: form.keywords.value, answer: form.answer.value,
      enabled: form.enabled.checked, texts,
    });
    return knowledgeLink(`已新建条目「${data.question}」（${data.enabled ? "已启用" : "未启用"}）。`, data.edit_url);
  },
  "mark-intent": async (form, texts) => {
    const data = await send("/api/mining/intent", { intent: form.intent.value, texts });
    return [document.createTextNode(`已把${data.marked}条消息标为「${data.label}」，训练师导出时会用上。`)];
  },
};

document.querySelectorAll(".mined-group").forEach((group) => {
  const texts = JSON.parse(group.dataset.texts);
  const result = group.querySelector(".result");
  group.querySelectorAll("form").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button");
      button.disabled = true;
      try {
        result.className = "result ok";
        result.replaceChildren(...(await ACTIONS[form.className](form, texts)));
      } catch (error) {
        result.className = "result error";
        result.textContent = error.message;
      } finally {
        button.disabled = false;
      }
    });
  });
});
