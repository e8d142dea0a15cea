// Buyer chat page: Rasa's socket.io channel (session_request -> session_confirm, user_uttered,
// bot_uttered). The session id is the buyer id, which is the conversation id on the Rasa server.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("chat-config").textContent);
  const buyer = config.buyer || localStorage.getItem("visitorId") ||
    (function () {
      const id = "visitor-" + Math.random().toString(16).slice(2, 10);
      localStorage.setItem("visitorId", id);
      return id;
    })();
  const messages = document.getElementById("messages");
  const connection = document.getElementById("connection");
  const input = document.getElementById("text");

  function add(who, text) {
    const line = document.createElement("li");
    line.className = "msg " + who;
    if (who === "agent") {
      const label = document.createElement("span");
      label.className = "who";
      label.textContent = "人工客服";
      line.appendChild(label);
    }
    const body = document.createElement("span");
    body.className = "text";
    body.textContent = text;
    line.appendChild(body);
    messages.appendChild(line);
    messages.scrollTop = messages.scrollHeight;
  }

  function setState(state, label) {
    connection.dataset.state = state;
    connection.textContent = label;
  }

  // WebSocket only: the Rasa server is another origin and its socket.io does no CORS for polling.
  const socket = io(config.socketUrl, { path: "/socket.io", transports: ["websocket"] });
  socket.on("connect", function () {
    socket.emit("session_request", config.token ? { session_id: buyer, token: config.token } : { session_id: buyer });
  });
  socket.on("session_confirm", function () {
    setState("ready", "已连接");
  });
  socket.on("session_refused", function () {
    setState("refused", "身份验证失败");
  });
  socket.on("disconnect", function () {
    setState("connecting", "重新连接中…");
  });
  socket.on("bot_uttered", function (message) {
    if (message && message.text) {
      add(message.from_agent ? "agent" : "assistant", message.text);
    }
  });

  document.getElementById("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || connection.dataset.state !== "ready") {
      return;
    }
    add("buyer", text);
    socket.emit("user_uttered", {
      message: text,
      session_id: buyer,
      metadata: config.itemId ? { item_id: config.itemId } : {},
    });
    input.value = "";
  });
})();
