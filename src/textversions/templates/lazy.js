(function(){
var store=document.getElementById('tv-bodies');if(!store)return;
document.body.style.overflowAnchor='none';
function fill(section,bodies){var slot=section.querySelector(':scope > .lazy');if(!slot)return;
var top=section.getBoundingClientRect().top,height=section.offsetHeight;
slot.outerHTML=bodies[+slot.dataset.n];
if(top<0)window.scrollBy(0,section.offsetHeight-height);}
var bodies=(async function(){
var text=atob(store.textContent.trim()),bytes=new Uint8Array(text.length);
for(var i=0;i<text.length;i++)bytes[i]=text.charCodeAt(i);
var stream=new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
return JSON.parse(await new Response(stream).text());})();
bodies.then(function(all){
function jump(){var target=location.hash&&document.getElementById(location.hash.slice(1));
if(target&&target.matches('section.pair')){fill(target,all);target.scrollIntoView();}}
var near=new IntersectionObserver(function(entries){entries.forEach(function(e){
if(e.isIntersecting){fill(e.target,all);near.unobserve(e.target);}});},{rootMargin:'2000px 0px'});
document.querySelectorAll('section.pair').forEach(function(s){if(s.querySelector(':scope > .lazy'))near.observe(s);});
window.addEventListener('hashchange',jump);jump();
document.body.dataset.bodies='ready';});
})();
