var toggle=document.getElementById('cosmetic');
toggle.addEventListener('change',function(e){document.body.classList.toggle('show-cosmetic',e.target.checked);});
document.addEventListener('click',function(e){var t=e.target.closest('a[data-edit]');if(!t)return;e.preventDefault();
document.querySelectorAll('mark.sel').forEach(function(m){m.classList.remove('sel');});
var first=null;document.querySelectorAll('mark[data-edit="'+t.dataset.edit+'"]').forEach(function(m){
m.classList.add('sel');var d=m.closest('details');if(d)d.open=true;if(!first)first=m;});
if(first)first.scrollIntoView({block:'center'});
document.querySelectorAll('mark[data-edit="'+t.dataset.edit+'"]').forEach(function(m){var pane=m.closest('.side');
if(pane){var top=m.getBoundingClientRect().top-pane.getBoundingClientRect().top;pane.scrollTop+=top-pane.clientHeight/2;}});});
