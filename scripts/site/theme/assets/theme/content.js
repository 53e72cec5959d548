// mkdocs-material 9.8.2's inline script (templates/partials/javascripts/content.html), moved to a file by scripts/site/theme/:
// the site's Content-Security-Policy allows no inline script.
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
