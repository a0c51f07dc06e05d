(function(){
'use strict';
var errs=document.getElementById('errors');
function fail(m){errs.textContent+=m+'\n';errs.setAttribute('data-count',String(errs.textContent.split('\n').length-1));}
window.onerror=function(m,s,l,c){fail('script error: '+m+' at '+l+':'+c);};
var t0=performance.now();
var D=JSON.parse(document.getElementById('flame-data').textContent);
var N=D.parent.length,names=D.names,par=D.parent,nm=D.name,st=D.stacks;
var kids=new Array(N),i;
for(i=0;i<N;i++)kids[i]=[];
for(i=1;i<N;i++)kids[par[i]].push(i);
var depthOf=new Int32Array(N);for(i=1;i<N;i++)depthOf[i]=depthOf[par[i]]+1;
var byt=new Float64Array(N),rec=new Float64Array(N),G=D.growth,gro=new Float64Array(N),gmax=0;
var on={},metric='bytes',zoom=0,query='',matched=null;
D.kinds.forEach(function(k){on[k]=true;});
var cv=document.getElementById('flame'),ctx=cv.getContext('2d'),tip=document.getElementById('tip');
var RH=17,rx=[],ry=[],rw=[],rn=[];
function sum(){
  byt.fill(0);rec.fill(0);gro.fill(0);gmax=0;
  for(var j=0;j<st.length;j+=4){
    if(!on[D.kinds[st[j+1]]])continue;
    var b=st[j+2],r=st[j+3],g=G?G[j/4]:0;
    for(var n=st[j];n>=0;n=par[n]){byt[n]+=b;rec[n]+=r;gro[n]+=g;}
  }
  if(G)for(var m=1;m<N;m++)if(Math.abs(gro[m])>gmax)gmax=Math.abs(gro[m]);
}
function val(n){return metric==='bytes'?byt[n]:rec[n];}
function signed(b){return (b>0?'+':b<0?'-':'+')+human(Math.abs(b));}
function human(b){var u=['B','KiB','MiB','GiB','TiB','PiB'],k=0;
  while(Math.abs(b)>=1024&&k<u.length-1){b/=1024;k++;}return k?b.toFixed(1)+' '+u[k]:Math.round(b)+' B';}
function pct(a,b){return b?(100*a/b).toFixed(2)+'%':'0%';}
function color(n){if(G){var f=gmax?Math.max(-1,Math.min(1,gro[n]/gmax)):0;if(Math.abs(f)<0.005)return 'hsl(0,0%,86%)';
  return f>0?'hsl(0,85%,'+(88-40*f)+'%)':'hsl(215,80%,'+(88+40*f)+'%)';}
  var s=names[nm[n]],h=0;for(var k=0;k<s.length&&k<40;k++)h=(h*31+s.charCodeAt(k))|0;
  h=Math.abs(h);return 'hsl('+(10+h%45)+','+(60+h%30)+'%,'+(55+(h>>5)%15)+'%)';}
function draw(){
  var w=cv.parentNode.clientWidth||800,maxd=0,zd=depthOf[zoom];
  rx=[];ry=[];rw=[];rn=[];
  var total=val(zoom);
  function lay(n,x,wd){
    if(wd<0.5)return;
    var d=depthOf[n]-zd;if(d>maxd)maxd=d;
    rx.push(x);ry.push(d);rw.push(wd);rn.push(n);
    var ks=kids[n],cx=x,v=val(n);if(!v)return;
    for(var k=0;k<ks.length;k++){var cvv=val(ks[k]);if(cvv<=0)continue;var cw=wd*cvv/v;lay(ks[k],cx,cw);cx+=cw;}
  }
  if(total>0)lay(zoom,0,w);
  var h=(maxd+1)*RH+2,dpr=window.devicePixelRatio||1;
  cv.width=w*dpr;cv.height=h*dpr;cv.style.height=h+'px';ctx.setTransform(dpr,0,0,dpr,0,0);
  ctx.clearRect(0,0,w,h);ctx.font='11px ui-monospace,monospace';ctx.textBaseline='middle';
  for(var k=0;k<rn.length;k++){
    var n=rn[k],y=h-(ry[k]+1)*RH;
    ctx.fillStyle=matched&&matched[n]?'#e040d0':color(n);
    ctx.fillRect(rx[k],y,Math.max(rw[k]-0.5,0.5),RH-1);
    if(rw[k]>30){ctx.fillStyle='#000';var s=names[nm[n]],c=Math.floor((rw[k]-6)/6.7);
      ctx.fillText(s.length>c?s.substring(0,c-1)+'\u2026':s,rx[k]+3,y+RH/2);}
  }
  cv.setAttribute('data-rects',String(rn.length));
  document.getElementById('zoomed').textContent=zoom?'zoomed into: '+names[nm[zoom]]:'';
  document.getElementById('unzoom').disabled=!zoom;
}
function search(){
  query=document.getElementById('q').value;matched=null;var out=document.getElementById('match');
  if(!query){out.textContent='';draw();return;}
  var q=query.toLowerCase(),hit={},m=new Uint8Array(N),tot=0;
  names.forEach(function(s,k){if(s.toLowerCase().indexOf(q)>=0)hit[k]=1;});
  for(var n=0;n<N;n++){if(hit[nm[n]]&&n)m[n]=1;}
  matched=m;
  for(n=1;n<N;n++){if(m[n]){var a=par[n],top=true;for(;a>0;a=par[a])if(m[a]){top=false;break;}if(top)tot+=val(n);}}
  out.textContent='matched: '+(metric==='bytes'?human(tot):tot+' records')+' ('+pct(tot,val(0))+' of all)';
  out.setAttribute('data-matched',String(tot));out.setAttribute('data-share',String(val(0)?tot/val(0):0));
  draw();
}
function at(e){var b=cv.getBoundingClientRect(),x=e.clientX-b.left,y=e.clientY-b.top,h=b.height;
  var d=Math.floor((h-y)/RH);
  for(var k=0;k<rn.length;k++)if(ry[k]===d&&x>=rx[k]&&x<rx[k]+rw[k])return rn[k];return -1;}
cv.addEventListener('mousemove',function(e){var n=at(e);if(n<0){tip.style.display='none';return;}
  tip.textContent=names[nm[n]]+'\n'+human(byt[n])+' ('+byt[n]+' bytes), '+rec[n]+' records\n'+
    pct(val(n),val(0))+' of all'+(zoom?', '+pct(val(n),val(zoom))+' of the zoomed frame':'')+
    (G?'\ngrowth: '+signed(gro[n])+' ('+gro[n]+' bytes)':'');
  tip.style.display='block';var wb=cv.parentNode.getBoundingClientRect();
  tip.style.left=Math.min(e.clientX-wb.left+12,wb.width-320)+'px';tip.style.top=(e.clientY-wb.top+14)+'px';});
cv.addEventListener('mouseleave',function(){tip.style.display='none';});
function zoomTo(n){zoom=n<0?zoom:n;draw();}
cv.addEventListener('click',function(e){var n=at(e);if(n===zoom&&n)n=par[n];zoomTo(n);});
document.getElementById('unzoom').addEventListener('click',function(){zoom=0;draw();});
document.getElementById('q').addEventListener('input',search);
document.getElementById('metric').addEventListener('change',function(e){metric=e.target.value;search();});
var kd=document.getElementById('kinds');
D.kinds.forEach(function(k){var l=document.createElement('label'),c=document.createElement('input');
  c.type='checkbox';c.checked=true;c.addEventListener('change',function(){on[k]=c.checked;sum();search();});
  l.appendChild(c);l.appendChild(document.createTextNode(' '+k));kd.appendChild(l);});
function tab(which){['flame-tab','table-tab'].forEach(function(id){
  document.getElementById(id).classList.toggle('hidden',id!==which);
  document.getElementById('b-'+id).classList.toggle('on',id===which);});if(which==='flame-tab')draw();}
document.getElementById('b-flame-tab').addEventListener('click',function(){tab('flame-tab');});
document.getElementById('b-table-tab').addEventListener('click',function(){tab('table-tab');});
window.addEventListener('resize',draw);
sum();draw();
cv.setAttribute('data-render-ms',(performance.now()-t0).toFixed(1));
if(location.hash==='#selftest'){
  var r={rects:rn.length,frames:[],total:byt[0],growth:G?gro[0]:null,
    charts:document.querySelectorAll('figure.chart').length};
  for(var k=0;k<rn.length;k++)r.frames.push(names[nm[rn[k]]]);
  var big=-1;kids[0].forEach(function(c){if(big<0||byt[c]>byt[big])big=c;});
  if(big>=0){var leaf=big;while(kids[leaf].length)leaf=kids[leaf][0];
    document.getElementById('q').value=names[nm[leaf]];search();
    r.search=names[nm[leaf]];r.searchMatched=Number(document.getElementById('match').getAttribute('data-matched'));
    r.searchText=document.getElementById('match').textContent;
    zoomTo(big);r.zoomRoot=names[nm[rn[0]]];r.zoomWidth=rw[0];r.zoomRects=rn.length;r.zoomBytes=byt[big];
    r.zoomText=document.getElementById('zoomed').textContent;
    document.getElementById('unzoom').click();r.unzoomRects=rn.length;
    document.getElementById('q').value='';search();}
  document.getElementById('selftest').textContent=JSON.stringify(r);
}
})();
