// The language switch: a link in the book's top bar to the same page in the other edition.
// The English book is served at /, the Chinese one at /zh-CN/ (see `cargo run -p book`);
// every chapter is a file at the top of its book, so the page's file name is the same in both.
(function () {
    var chinese = document.documentElement.lang === "zh-CN";
    var page = window.location.pathname.split("/").pop() || "index.html";
    var link = document.createElement("a");
    link.className = "language-switch";
    link.href = path_to_root + (chinese ? "../" : "zh-CN/") + page;
    link.textContent = chinese ? "English" : "中文";
    link.title = chinese ? "Read this page in English" : "阅读本页的中文版";
    link.style.marginInline = "0.5em";
    var bar = document.querySelector(".right-buttons");
    if (bar) {
        bar.prepend(link);
    }
})();
