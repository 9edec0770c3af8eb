/* The citizen's form, where JavaScript runs (it works without): a progress line, a draft kept
   in the browser so a reload loses nothing, and on a kiosk a queue of ballots that waits for
   the network. Sends the same fields as the plain form. No framework, nothing inline. */
(function () {
  "use strict";
  var S;
  try { S = window.localStorage; S.setItem("_", "1"); S.removeItem("_"); } catch (e) { S = null; }
  function get(k, d) { try { return (S && JSON.parse(S.getItem(k))) || d; } catch (e) { return d; } }
  function put(k, v) { try { if (S) S.setItem(k, JSON.stringify(v)); } catch (e) { /* full: keep going */ } }

  var sent = document.body.getAttribute("data-sent");
  if (sent && S) S.removeItem("nhap:" + sent);  // the thank-you page of a confirmed send
  var form = document.getElementById("phieu");
  if (!form) return;
  var path = new URL(form.action, location.href).pathname;
  var required = form.querySelectorAll("fieldset.req");
  var progress = document.getElementById("tien-do");
  var els = form.elements;

  function answered() {
    var n = 0;
    for (var i = 0; i < required.length; i++) if (required[i].querySelector("input:checked")) n++;
    return n;
  }
  function show() {
    progress.hidden = false;
    progress.textContent = "Đã trả lời " + answered() + "/" + required.length;
  }
  function values() {
    var data = {};
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!el.name || el.name === "csrf_token" || ((el.type === "radio" || el.type === "checkbox") && !el.checked)) continue;
      if (el.hasAttribute("data-no-draft")) continue;  // a contact is never kept in the browser
      data[el.name] = el.value;
    }
    return data;
  }
  function fill(data) {
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!(el.name in data) || el.name === "csrf_token") continue;
      if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === data[el.name];
      else el.value = data[el.name];
    }
  }
  function hasAnswers() {
    var d = values();
    for (var k in d) if (k !== "key" && d[k]) return true;
    return false;
  }
  form.addEventListener("change", show);
  show();

  var kiosk = form.getAttribute("data-kiosk");
  if (kiosk === null) {
    // Draft: saved on every change, restored after a reload (with its key, so a resend stores once).
    var draft = "nhap:" + path;
    if (!hasAnswers() && !document.getElementById("tom-tat-loi")) { fill(get(draft, {})); show(); }
    var save = function () { put(draft, values()); };
    form.addEventListener("change", save);
    form.addEventListener("input", save);
    return;
  }

  // ---- kiosk --------------------------------------------------------------------------
  var QUEUE = "cho:" + path, KEYS = "khoa:" + path;
  var done = document.getElementById("ket-qua");
  var keys = get(KEYS, []).concat(form.getAttribute("data-keys").split(" ").filter(Boolean)).slice(-60);
  put(KEYS, keys);
  var busy = false, last = Date.now();

  function post(item) {
    return fetch(item.a, {method: "POST", body: new URLSearchParams(item.b), redirect: "manual",
                          credentials: "same-origin"}).then(function (r) {
      // 303 (confirmed after the commit) or a refusal that no resend can change: out of the queue
      return r.type === "opaqueredirect" || r.status === 400 || r.status === 422 || r.status === 410;
    }, function () { return false; });
  }
  function flush() {
    if (busy) return Promise.resolve();
    busy = true;
    var queue = get(QUEUE, []);
    var step = function (i) {
      if (i >= queue.length) return Promise.resolve();
      return post(queue[i]).then(function (gone) {
        if (!gone) return;  // the network is still down: keep the order, try later
        put(QUEUE, get(QUEUE, []).filter(function (q) { return q.k !== queue[i].k; }));
        return step(i + 1);
      });
    };
    return step(0).then(function () { busy = false; });
  }
  function waiting() { return get(QUEUE, []).length; }
  function clear() {
    // not form.reset(): on a page the server sent back with errors, that would bring the answers back
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.type === "radio") el.checked = false;
      else if (el.tagName === "TEXTAREA") el.value = "";
      else if (el.tagName === "SELECT") el.selectedIndex = 0;
    }
    [].forEach.call(document.querySelectorAll("#tom-tat-loi, #phieu .error"), function (e) { e.remove(); });
    [].forEach.call(form.querySelectorAll(".invalid"), function (e) { e.classList.remove("invalid"); });
    document.title = document.title.replace(/^Lỗi: /, "");
  }
  function fresh(used) {
    var key = els.key.value;
    clear();
    if (used) {
      // never the key just sent: that ballot is stored, a resend of it would store nothing
      var rnd = crypto.getRandomValues(new Uint8Array(18)), alt = "";
      for (var i = 0; i < 18; i++) alt += "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[rnd[i] & 63];
      key = keys.shift() || alt;
      put(KEYS, keys);
    }
    els.key.value = key;
    form.hidden = false;
    done.hidden = true;
    show();
    window.scrollTo(0, 0);
    if (keys.length < 5 && navigator.onLine && !waiting()) location.replace(kiosk);
  }
  form.addEventListener("submit", function (ev) {
    var missing = required.length - answered();
    var field = form.querySelector("#cau-field_code");
    if (field && !field.querySelector("input:checked")) missing++;
    if (missing && navigator.onLine) return;  // the server shows what is missing, as without JavaScript
    ev.preventDefault();
    if (missing) { progress.textContent = "Còn " + missing + " câu chưa trả lời"; return; }
    var item = {a: form.action, k: els.key.value, b: []};
    new FormData(form).forEach(function (v, k) { item.b.push([k, v]); });
    put(QUEUE, get(QUEUE, []).concat([item]));
    form.hidden = true;
    flush().then(function () {
      var stored = !get(QUEUE, []).some(function (q) { return q.k === item.k; });
      var n = waiting();
      document.getElementById("ket-qua-tieu-de").textContent = stored ?
        "Cảm ơn Ông/Bà! Phiếu đã được ghi nhận." : "Cảm ơn Ông/Bà! Phiếu sẽ được gửi khi có mạng.";
      document.getElementById("ket-qua-cho").textContent = n ? "Đang chờ gửi: " + n + " phiếu." : "";
      done.hidden = false;
      done.focus();
      setTimeout(function () { fresh(true); }, 1000 * form.getAttribute("data-thanks"));
    });
  });
  ["input", "change", "pointerdown", "keydown"].forEach(function (t) {
    document.addEventListener(t, function () { last = Date.now(); }, true);
  });
  setInterval(function () {
    // a half-filled form left behind is cleared for the next citizen
    if (!form.hidden && hasAnswers() && Date.now() - last > 1000 * form.getAttribute("data-idle")) fresh(false);
  }, 1000);
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  flush();
})();
