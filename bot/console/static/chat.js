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

  // A product card (a reply's attachment of type product_card): picture, name, price, link.
  function productCard(card) {
    const link = document.createElement("a");
    link.className = "product-card";
    link.href = card.url;
    const picture = document.createElement("img");
    picture.src = card.image_url;
    picture.alt = card.name;
    const name = document.createElement("b");
    name.textContent = card.name;
    const price = document.createElement("span");
    price.className = "price";
    price.textContent = "¥" + card.price;
    link.append(picture, name, price);
    return link;
  }

  function addImage(who, src, alt) {
    const line = document.createElement("li");
    line.className = "msg " + who;
    const picture = document.createElement("img");
    picture.className = "chat-image";
    picture.src = src;
    picture.alt = alt;
    line.appendChild(picture);
    messages.appendChild(line);
    messages.scrollTop = messages.scrollHeight;
  }

  function addCard(card) {
    const line = document.createElement("li");
    line.className = "msg assistant";
    line.appendChild(productCard(card));
    messages.appendChild(line);
    messages.scrollTop = messages.scrollHeight;
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
    const attachment = message && message.attachment;
    if (attachment && attachment.type === "image" && attachment.payload && attachment.payload.src) {
      addImage("assistant", attachment.payload.src, "尺码表");
    } else if (attachment && attachment.type === "product_card" && attachment.payload) {
      addCard(attachment.payload);
    }
  });

  function metadata(extra) {
    const data = config.itemId ? { item_id: config.itemId } : {};
    return Object.assign(data, extra || {});
  }

  // A photo (a broken seam, the size label): sent as a data URL; the server checks its type and size.
  const photoInput = document.getElementById("photo");
  photoInput.addEventListener("change", function () {
    const file = photoInput.files && photoInput.files[0];
    if (!file || connection.dataset.state !== "ready") return;
    const reader = new FileReader();
    reader.onload = function () {
      addImage("buyer", reader.result, "我发送的图片");
      socket.emit("user_uttered", {
        message: "",
        session_id: buyer,
        metadata: metadata({ attachments: [reader.result] }),
      });
      photoInput.value = "";
    };
    reader.readAsDataURL(file);
  });

  function send(message, shown) {
    if (!message || connection.dataset.state !== "ready") {
      return false;
    }
    add("buyer", shown || message);
    socket.emit("user_uttered", {
      message: message,
      session_id: buyer,
      metadata: metadata(),
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
