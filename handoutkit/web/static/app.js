/* Make my letter: what JavaScript adds to pages that work without it.
   - the error summary takes focus, and its links move focus to the box they name;
   - character counts on long answers;
   - a live preview of the letter, a moment after typing stops (POST, never a URL);
   - an opt-in draft kept in this tab only (sessionStorage), wiped by "Clear everything".
   Nothing here sends answers anywhere but this app, and nothing is kept unless asked. */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function words() {
    var el = document.getElementById("count-words");
    return el ? el.dataset : {};
  }

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (_, key) {
      return key in values ? values[key] : "";
    });
  }

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, wait);
    };
  }

  /* The label (or legend) a box belongs to, to scroll it into view with its question. */
  function questionOf(input) {
    var fieldset = input.closest("fieldset");
    if (fieldset && input.type !== "text" && input.tagName !== "TEXTAREA") {
      var legend = fieldset.querySelector("legend");
      if (legend) return legend;
    }
    var label = document.querySelector('label[for="' + input.id + '"]');
    return label || input;
  }

  function focusBox(id) {
    var input = document.getElementById(id);
    if (!input) return false;
    var details = input.closest("details");
    if (details) details.open = true;
    questionOf(input).scrollIntoView();
    input.focus({ preventScroll: true });
    return true;
  }

  function errorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a");
      if (!link || link.getAttribute("href").charAt(0) !== "#") return;
      if (focusBox(link.getAttribute("href").slice(1))) event.preventDefault();
    });
  }

  /* GOV.UK's character count: a visible count, and a quieter one for screen readers. */
  function characterCounts() {
    var text = words();
    document.querySelectorAll("textarea[data-max-length]").forEach(function (box) {
      var max = parseInt(box.dataset.maxLength, 10);
      var shown = document.getElementById(box.id + "-count");
      if (!shown) return;
      var spoken = document.createElement("div");
      spoken.className = "visually-hidden";
      spoken.setAttribute("aria-live", "polite");
      shown.parentNode.insertBefore(spoken, shown.nextSibling);
      shown.setAttribute("aria-hidden", "true");
      function message() {
        // Characters as the server counts them (code points), not UTF-16 units.
        var left = max - Array.from(box.value).length;
        if (left >= 0) return left === 1 ? text.leftOne : fill(text.left, { n: left });
        return left === -1 ? text.overOne : fill(text.over, { n: -left });
      }
      function update() {
        shown.textContent = message();
        shown.classList.toggle("error-message", Array.from(box.value).length > max);
      }
      var speak = debounce(function () {
        spoken.textContent = message();
      }, 1000);
      box.addEventListener("input", function () {
        update();
        speak();
      });
      update();
    });
  }

  /* The live preview: the real PDF's pages as images, from the same renderer as the download. */
  function preview(form) {
    var panel = document.getElementById("preview");
    var status = document.getElementById("preview-status");
    var pages = document.getElementById("preview-pages");
    if (!panel || !form.dataset.preview) return;
    var text = words();
    var running = null;
    var wanted = 0;

    function say(message, field, label) {
      status.textContent = "";
      status.appendChild(document.createTextNode(message));
      if (field && label && document.getElementById(field)) {
        status.appendChild(document.createTextNode(" "));
        var link = document.createElement("a");
        link.href = "#" + field;
        link.textContent = fill(text.goTo, { label: label });
        link.addEventListener("click", function (event) {
          if (focusBox(field)) event.preventDefault();
        });
        status.appendChild(link);
      }
    }

    function show(images) {
      while (pages.children.length > images.length) pages.removeChild(pages.lastChild);
      images.forEach(function (src, index) {
        var img = pages.children[index];
        if (!img) {
          img = document.createElement("img");
          pages.appendChild(img);
        }
        img.alt = fill(text.pageAlt, { n: index + 1 });
        img.src = src;
      });
    }

    function refresh() {
      var number = ++wanted;
      if (running) running.abort();
      running = new AbortController();
      panel.setAttribute("aria-busy", "true");
      var body = new FormData(form);
      fetch(form.dataset.preview, {
        method: "POST",
        body: body,
        signal: running.signal,
        credentials: "same-origin",
        cache: "no-store",
      })
        .then(function (response) {
          return response.json().then(function (data) {
            return { ok: response.ok, data: data };
          });
        })
        .then(function (answer) {
          if (number !== wanted) return;
          panel.removeAttribute("aria-busy");
          if (answer.data.images) show(answer.data.images);
          say(answer.data.note || "", answer.data.field, answer.data.label);
          if (answer.data.status === "busy") setTimeout(schedule, 3000);
        })
        .catch(function (error) {
          if (error.name === "AbortError" || number !== wanted) return;
          panel.removeAttribute("aria-busy");
          say(text.failed);
        });
    }

    var schedule = debounce(refresh, 700);
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    // A fresh form waits for the first answer; one that came back filled in shows at once.
    if (form.dataset.fresh !== "true") refresh();
  }

  /* Opt-in draft: only when ticked, only in this tab (sessionStorage), removed on untick. */
  function draft(form) {
    var box = document.getElementById("keep-draft");
    if (!box) return;
    var key = "handouts-draft:" + (form.dataset.letter || "");

    function save() {
      if (!box.checked) return;
      var pairs = [];
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string") pairs.push([name, value]);
      });
      try {
        sessionStorage.setItem(key, JSON.stringify(pairs));
      } catch (e) {
        /* storage full or refused: the form still works */
      }
    }

    function restore(pairs) {
      var byName = {};
      pairs.forEach(function (pair) {
        (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]);
      });
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || !(el.name in byName) || el.type === "hidden") return;
        var values = byName[el.name];
        if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) >= 0;
        else el.value = values[0];
      });
    }

    var stored = null;
    try {
      stored = sessionStorage.getItem(key);
    } catch (e) {
      stored = null;
    }
    if (stored && form.dataset.fresh === "true") {
      try {
        restore(JSON.parse(stored));
        box.checked = true;
        form.dataset.fresh = "false"; // filled in again: the preview may show at once
      } catch (e) {
        sessionStorage.removeItem(key);
      }
    }
    box.addEventListener("change", function () {
      if (box.checked) save();
      else sessionStorage.removeItem(key);
    });
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  }

  function clearEverything() {
    document.querySelectorAll("form[data-clear]").forEach(function (clear) {
      clear.addEventListener("submit", function () {
        try {
          sessionStorage.clear();
        } catch (e) {
          /* nothing stored */
        }
        var form = document.getElementById("letter-form");
        if (form) form.reset();
      });
    });
  }

  ready(function () {
    document.querySelectorAll("[data-js-only]").forEach(function (el) {
      el.hidden = false;
    });
    errorSummary();
    characterCounts();
    clearEverything();
    var form = document.getElementById("letter-form");
    if (form) {
      draft(form);
      preview(form);
    }
  });
})();
