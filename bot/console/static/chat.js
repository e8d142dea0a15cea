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

  // 猜你想问 and an answer's quick replies (Rasa's buttons, sent by socket.io as quick_replies):
  // a click sends the button's words as the buyer's own message.
  function addChoices(line, choices) {
    const box = document.createElement("div");
    box.className = "choices";
    choices.forEach(function (choice) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "choice";
      button.textContent = choice.title;
      button.addEventListener("click", function () {
        send(choice.payload || choice.title, choice.title);
      });
      box.appendChild(button);
    });
    line.appendChild(box);
  }

  function add(who, text, choices) {
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
    if (choices && choices.length) {
      addChoices(line, choices);
    }
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
      add(message.from_agent ? "agent" : "assistant", message.text, message.quick_replies || message.buttons);
    }
  });

  function send(message, shown) {
    if (!message || connection.dataset.state !== "ready") {
      return false;
    }
    add("buyer", shown || message);
    socket.emit("user_uttered", {
      message: message,
      session_id: buyer,
      metadata: config.itemId ? { item_id: config.itemId } : {},
    });
    return true;
  }

  document.getElementById("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    if (send(input.value.trim())) {
      input.value = "";
    }
  });
})();
