// mkdocs-material 9.8.2's inline script (templates/partials/javascripts/content.html), moved to a file by scripts/site/theme/:
// the site's Content-Security-Policy allows no inline script.
var tabs=__md_get("__tabs");if(Array.isArray(tabs))e:for(var set of document.querySelectorAll(".tabbed-set")){var labels=set.querySelector(".tabbed-labels");for(var tab of tabs)for(var label of labels.getElementsByTagName("label"))if(label.innerText.trim()===tab){var input=document.getElementById(label.htmlFor);input.checked=!0;continue e}}
