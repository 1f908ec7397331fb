(function(){
var store=document.getElementById('tv-bodies');if(!store)return;
document.body.style.overflowAnchor='none';
function fill(section,data){var slot=section.querySelector(':scope > .lazy');if(!slot)return;
var top=section.getBoundingClientRect().top,height=section.offsetHeight;
slot.outerHTML=data.bodies[+slot.dataset.n];
section.querySelectorAll('q-t').forEach(function(q){var at=q.textContent.split(',');
q.replaceWith(data.texts[+at[0]].slice(+at[1],+at[2]));});
section.querySelectorAll('mark[data-e]').forEach(function(m){var side=m.closest('.b')?'b':'a',label=section.id+'-e'+m.dataset.e;
m.removeAttribute('data-e');m.id=label+'-'+side;m.dataset.edit=label;m.dataset.side=side;m.title=m.classList[0].slice(2);});
if(top<0)window.scrollBy(0,section.offsetHeight-height);}
var data=(async function(){
var text=atob(store.textContent.trim()),bytes=new Uint8Array(text.length);
for(var i=0;i<text.length;i++)bytes[i]=text.charCodeAt(i);
var stream=new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
return JSON.parse(await new Response(stream).text());})();
data.then(function(all){
function jump(){var target=location.hash&&document.getElementById(location.hash.slice(1));
if(target&&target.matches('section.pair')){fill(target,all);target.scrollIntoView();}}
var near=new IntersectionObserver(function(entries){entries.forEach(function(e){
if(e.isIntersecting){fill(e.target,all);near.unobserve(e.target);}});},{rootMargin:'2000px 0px'});
document.querySelectorAll('section.pair').forEach(function(s){if(s.querySelector(':scope > .lazy'))near.observe(s);});
window.addEventListener('hashchange',jump);jump();
var every=document.getElementById('open-all');every.disabled=false;
every.addEventListener('click',function(){document.querySelectorAll('section.pair').forEach(function(s){fill(s,all);near.unobserve(s);});
every.disabled=true;every.textContent='every pair is open';});
document.body.dataset.bodies='ready';});
})();
