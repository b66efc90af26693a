import torch,json,os,sys
F=torch.nn.functional;d='cuda';O=os.environ['OUT'];H=8192
def ffn(w,fp8):
 g=torch.randn(2*w,H,device=d,dtype=torch.bfloat16)*.02;dn=torch.randn(H,w,device=d,dtype=torch.bfloat16)*.02
 if fp8:g=g.to(torch.float8_e4m3fn);dn=dn.to(torch.float8_e4m3fn)
 return g,dn,torch.ones(H,device=d,dtype=torch.bfloat16)
one=torch.ones((),device=d)
def mm(a,b,fp8):
 if fp8:return torch._scaled_mm(a.to(torch.float8_e4m3fn),b.t(),one,one,out_dtype=torch.bfloat16)
 return a@b.t()
def step(x,p,fp8):
 g,dn,nw=p;h=F.rms_norm(x,(H,),nw);gu=mm(h,g,fp8);a,b=gu.chunk(2,-1);return x+mm((F.silu(a)*b).contiguous(),dn,fp8)
def seq(x,ps,fp8):
 for p in ps:x=step(x,p,fp8)
 return x
def timed(f):
 for _ in range(3):f()
 torch.cuda.synchronize();gr=torch.cuda.CUDAGraph()
 with torch.cuda.graph(gr):f()
 for _ in range(5):gr.replay()
 e0,e1=torch.cuda.Event(True),torch.cuda.Event(True);ts=[]
 for _ in range(7):
  torch.cuda.synchronize();e0.record()
  for _ in range(20):gr.replay()
  e1.record();torch.cuda.synchronize();ts.append(e0.elapsed_time(e1)/20e3)
 ts.sort();return ts[3]
rows=[]
for fp8 in (0,1):
 for k,w in ((2,14336),(4,7168),(8,3584),(9,6144)):
  ps=[ffn(w,fp8) for _ in range(k)];pf=ffn(k*w,fp8)
  for T in (32,256,4096):
   x=torch.randn(T,H,device=d,dtype=torch.bfloat16)
   ts=timed(lambda:seq(x,ps,fp8));tf=timed(lambda:step(x,pf,fp8))
   r=dict(precision='fp8'if fp8 else'bf16',hidden=H,k=k,width=w,tokens=T,sequential_s=ts,fused_s=tf);rows.append(r);print(json.dumps(r),flush=True)
  del ps,pf;torch.cuda.empty_cache()
open(O+'/ffn-fusion-h200.jsonl','w').write('\n'.join(json.dumps(r)for r in rows)+'\n')
p=torch.cuda.get_device_properties(0)
json.dump(dict(gpu=p.name,sms=p.multi_processor_count,torch=torch.__version__,cuda=torch.version.cuda,method='CUDA graph of one forward, median of 7 timings of 20 replays'),open(O+'/env.json','w'))
