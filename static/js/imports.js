/* Upload with a progress bar (large files). Without JavaScript the form posts normally and the server answers
   with the preview page; with it, the file goes up by XMLHttpRequest so that the bar and the status line (read
   out by screen readers) show how far the upload is and that the file is being checked. */
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var box = document.getElementById("import-progress");
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("import-status");
  var button = form.querySelector("button[type=submit]");

  function say(text) { status.textContent = text; }

  function showErrors(errors) {
    var summary = document.getElementById("error-summary");
    if (!summary) {
      summary = document.createElement("div");
      summary.className = "error-summary";
      summary.id = "error-summary";
      summary.setAttribute("role", "alert");
      summary.tabIndex = -1;
      form.parentNode.insertBefore(summary, form);
    }
    summary.textContent = "";
    var title = document.createElement("h2");
    title.className = "error-summary__title";
    title.textContent = "ファイルを取り込めません";
    var list = document.createElement("ul");
    errors.forEach(function (message) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#id_file";
      link.textContent = message;
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.appendChild(title);
    summary.appendChild(list);
    var input = document.getElementById("id_file");
    input.setAttribute("aria-invalid", "true");
    summary.focus();
  }

  form.addEventListener("submit", function (event) {
    var input = document.getElementById("id_file");
    if (!input.files || !input.files.length) { return; }  // the server says 「ファイルを選んでください。」
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      var percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      bar.textContent = percent + "%";
      say("アップロード中… " + percent + "%");
    });
    request.upload.addEventListener("load", function () {
      bar.value = 100;
      say("アップロードが終わりました。内容を確認しています（大きなファイルは時間がかかります）…");
    });
    request.addEventListener("load", function () {
      var data = null;
      try { data = JSON.parse(request.responseText); } catch (err) { data = null; }
      if (request.status === 200 && data && data.redirect) {
        say("確認が終わりました。結果を表示します。");
        window.location.assign(data.redirect);
        return;
      }
      button.disabled = false;
      box.hidden = true;
      showErrors(data && data.errors ? data.errors : ["取込みに失敗しました（" + request.status + "）。もう一度お試しください。"]);
    });
    request.addEventListener("error", function () {
      button.disabled = false;
      say("通信に失敗しました。もう一度お試しください。");
    });
    box.hidden = false;
    button.disabled = true;
    bar.value = 0;
    say("アップロードを始めます…");
    request.send(new FormData(form));
  });
})();
