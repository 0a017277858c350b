/* Keeps the 和暦 readout beside each date input (core/widgets.py) in step with the chosen day.
   The eras and the weekday letters are the same table as core/wareki.py; 元年 for an era's first
   year. Runs on pages swapped in by htmx too (event delegation on the document). */
(function () {
  "use strict";
  var ERAS = [
    [2019, 5, 1, "令和"],
    [1989, 1, 8, "平成"],
    [1926, 12, 25, "昭和"],
    [1912, 7, 30, "大正"],
    [1868, 1, 25, "明治"],
  ];
  var WEEKDAYS = "日月火水木金土";

  function wareki(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value || "");
    if (!m) return "";
    var y = +m[1], mo = +m[2], d = +m[3];
    var key = y * 10000 + mo * 100 + d;
    for (var i = 0; i < ERAS.length; i++) {
      var e = ERAS[i];
      if (key >= e[0] * 10000 + e[1] * 100 + e[2]) {
        var n = y - e[0] + 1;
        var weekday = WEEKDAYS[new Date(y, mo - 1, d).getDay()];
        var text = e[3] + (n === 1 ? "元" : n) + "年" + mo + "月" + d + "日（" + weekday + "）";
        if (m[4] !== undefined) text += " " + (+m[4]) + "時" + m[5] + "分";
        return text;
      }
    }
    return "";
  }

  function update(input) {
    var out = input.parentNode && input.parentNode.querySelector("output.wareki-readout");
    if (out) out.textContent = wareki(input.value);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-wareki]")) update(event.target);
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[data-wareki]")) update(event.target);
  });
})();
