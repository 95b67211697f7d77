(function () {
  var box = document.getElementById("search"), rows = document.querySelectorAll("#glance tbody tr");
  if (!box) return;
  box.form.addEventListener("submit", function (e) { e.preventDefault(); });
  box.addEventListener("input", function () {
    var q = box.value.toLowerCase();
    for (var i = 0; i < rows.length; i++) {
      rows[i].hidden = q !== "" && rows[i].textContent.toLowerCase().indexOf(q) < 0;
    }
  });
})();
