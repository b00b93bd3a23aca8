// The explorer's only script: suggestions under the search boxes, and the Copy button.
// Everything from the data is put in the page as text (textContent), never as markup;
// it asks nothing of any host but the explorer itself (/suggest).
(function () {
  "use strict";

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  // data-suggest="page": choosing a name opens its page; "value" or "id": puts its id in the box.
  function attach(input) {
    var mode = input.getAttribute("data-suggest");
    var box = el("ul", undefined, "suggest-box");
    box.setAttribute("role", "listbox");
    box.hidden = true;
    input.insertAdjacentElement("afterend", box);
    var timer = null, asked = 0, active = -1, items = [];

    function close() { box.hidden = true; box.textContent = ""; active = -1; items = []; }
    function choose(item) {
      if (mode === "page") { window.location.href = item.url; return; }
      input.value = item.id;
      close();
    }
    function highlight(index) {
      var rows = box.children;
      for (var i = 0; i < rows.length; i++) { rows[i].classList.toggle("active", i === index); }
      active = index;
    }
    function show(found) {
      box.textContent = "";
      items = found;
      active = -1;
      found.forEach(function (item, index) {
        var row = el("li");
        row.setAttribute("role", "option");
        row.appendChild(el("span", item.name, "name"));
        row.appendChild(el("span", item.kind + " · " + item.id, "kind"));
        row.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        row.addEventListener("mouseover", function () { highlight(index); });
        box.appendChild(row);
      });
      box.hidden = found.length === 0;
    }
    input.addEventListener("input", function () {
      var query = input.value.trim();
      clearTimeout(timer);
      if (query.length < 2) { close(); return; }
      timer = setTimeout(function () {
        var mine = ++asked;
        fetch("/suggest?q=" + encodeURIComponent(query), { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (found) { if (mine === asked) { show(found); } })
          .catch(function () { close(); });
      }, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (box.hidden || !items.length) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % items.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + items.length) % items.length); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(items[active]); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function copy(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    var text = target ? target.textContent : "";
    function done() { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1500); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { select(target); });
    } else {
      select(target);
    }
  }
  function select(target) {  // where the clipboard is not offered: select the text for Ctrl+C
    var range = document.createRange();
    range.selectNodeContents(target);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.querySelectorAll("input[data-suggest]").forEach(attach);
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () { copy(button); });
  });
}());
