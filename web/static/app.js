// Small enhancements only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // Show a form field only when its condition ("field=value") holds; without
  // this script every field shows and the server ignores the ones that don't apply.
  var conditional = document.querySelectorAll("[data-when]");
  function toggle() {
    conditional.forEach(function (el) {
      var parts = el.getAttribute("data-when").split("=");
      var src = document.querySelector('[name="f.' + parts[0] + '"]');
      el.hidden = !src || src.value !== parts[1];
    });
  }
  if (conditional.length) {
    document.addEventListener("change", toggle);
    toggle();
  }

  // After a single logout, go on once every client's logout page has had
  // its chance to load (at most 3 seconds); the 继续 link works without this.
  var cont = document.querySelector("a[data-auto-continue]");
  if (cont) {
    var frames = document.querySelectorAll("iframe");
    var left = frames.length;
    var go = function () { window.location.assign(cont.href); };
    frames.forEach(function (f) {
      f.addEventListener("load", function () { left -= 1; if (left === 0) { setTimeout(go, 200); } });
    });
    setTimeout(go, 3000);
  }

  // Autosave an application: a moment after a file is chosen or the note
  // changes, the form is saved as a draft in the background.
  var form = document.querySelector("form[data-autosave]");
  var saved = document.getElementById("saved");
  if (!form || !saved || !window.fetch || !window.FormData) { return; }
  var timer = null;
  function save() {
    var data = new FormData(form);
    data.set("op", "save");
    fetch(form.action, { method: "POST", body: data, headers: { "X-Autosave": "1" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.saved_at) {
          saved.textContent = "已自动保存 " + j.saved_at;
          form.querySelectorAll("input[type=file]").forEach(function (f) {
            if (!f.files.length || (j.problems && j.problems[f.name])) { return; }
            f.value = "";
            var id = "have-" + f.name.slice(1);
            if (!document.getElementById(id)) {
              var p = document.createElement("p");
              p.id = id;
              p.className = "status-shared";
              p.textContent = "✓ 已上传（可重新选择文件替换）";
              f.parentNode.insertBefore(p, f);
            }
          });
        } else if (j.error) {
          saved.textContent = "自动保存失败：" + j.error.message;
        }
      })
      .catch(function () { saved.textContent = "自动保存失败，请点“保存草稿”"; });
  }
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  });
});
