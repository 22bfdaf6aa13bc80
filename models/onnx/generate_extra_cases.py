#!/usr/bin/python3
"""Writes extra ONNX conformance cases into OUT/extra/ (same layout as the backend node tests:
model.onnx + test_data_set_0/{input,output}_*.pb): the older-opset forms of ops (attributes
that later became inputs), inputs with symbolic dims (the converters' run-time paths), and
composed ops checked against torch / torchvision / NumPy on random data. Run by
weft_onnx_conformance with a looser atol, since random data meets cancellation."""
import os
import shutil
import sys
import warnings

import numpy as np
import onnx
import torch
import torchvision
from onnx import helper, numpy_helper
from onnx.mapping import NP_TYPE_TO_TENSOR_TYPE

N = helper.make_node


def make_saver(root):
    def save(name, nodes, inputs, outputs, opset=13, in_shapes=None):
        if not isinstance(nodes, list):
            nodes = [nodes]
        d = os.path.join(root, name)
        os.makedirs(os.path.join(d, "test_data_set_0"))
        ins = [helper.make_tensor_value_info(f"in{i}", NP_TYPE_TO_TENSOR_TYPE[a.dtype],
                                             in_shapes[i] if in_shapes and in_shapes[i] is not None else a.shape)
               for i, a in enumerate(inputs)]
        outs = [helper.make_tensor_value_info(f"out{i}", NP_TYPE_TO_TENSOR_TYPE[a.dtype], None) for i, a in enumerate(outputs)]
        model = helper.make_model(helper.make_graph(nodes, name, ins, outs), opset_imports=[helper.make_opsetid("", opset)])
        onnx.save(model, os.path.join(d, "model.onnx"))
        for kind, arrays in (("input", inputs), ("output", outputs)):
            for i, a in enumerate(arrays):
                with open(os.path.join(d, "test_data_set_0", f"{kind}_{i}.pb"), "wb") as f:
                    f.write(numpy_helper.from_array(np.asarray(a)).SerializeToString())
    return save


def opset_variants(save):
    rng=np.random.default_rng(1)
    f32=lambda *s: rng.standard_normal(s).astype(np.float32)
    x=f32(3,4,5)
    save('test_slice9', N('Slice',['in0'],['out0'],starts=[1,0],ends=[3,-1],axes=[0,2]), [x],[x[1:3,:,0:-1]], opset=9)
    save('test_pad2_reflect', N('Pad',['in0'],['out0'],pads=[0,1,2,0,2,1],mode='reflect'), [x],[np.pad(x,((0,0),(1,2),(2,1)),mode='reflect')], opset=9)
    save('test_pad2_const', N('Pad',['in0'],['out0'],pads=[1,0,0,0,2,1],value=1.5), [x],[np.pad(x,((1,0),(0,2),(0,1)),constant_values=1.5)], opset=9)
    save('test_pad11_edge', N('Pad',['in0','in1'],['out0'],mode='edge'), [x,np.array([0,1,2,0,2,1],np.int64)],[np.pad(x,((0,0),(1,2),(2,1)),mode='edge')], opset=11)
    save('test_clip6', N('Clip',['in0'],['out0'],min=-0.5,max=0.3), [x],[np.clip(x,-0.5,0.3)], opset=10)
    save('test_clip6_max', N('Clip',['in0'],['out0'],max=0.3), [x],[np.minimum(x,0.3)], opset=10)
    save('test_clip11_maxonly', N('Clip',['in0','','in1'],['out0']), [x,np.array(0.2,np.float32)],[np.minimum(x,0.2)], opset=11)
    y=f32(3,1,5,1)
    save('test_squeeze11', N('Squeeze',['in0'],['out0'],axes=[1,-1]), [y],[y.reshape(3,5)], opset=11)
    save('test_squeeze11_noaxes', N('Squeeze',['in0'],['out0']), [y],[y.reshape(3,5)], opset=11)
    save('test_unsqueeze11', N('Unsqueeze',['in0'],['out0'],axes=[0,-1]), [x],[x.reshape(1,3,4,5,1)], opset=11)
    save('test_split11', N('Split',['in0'],['out0','out1'],axis=2,split=[2,3]), [x],[x[:,:,:2],x[:,:,2:]], opset=11)
    save('test_split13_equal', N('Split',['in0'],['out0','out1'],axis=1), [x],[x[:,:2],x[:,2:]], opset=13)
    def softmax2d(a,axis):
        s=a.shape; m=a.reshape(int(np.prod(s[:axis])),-1); e=np.exp(m-m.max(1,keepdims=True)); return (e/e.sum(1,keepdims=True)).reshape(s)
    save('test_softmax11_axis1', N('Softmax',['in0'],['out0'],axis=1), [x],[softmax2d(x,1)], opset=11)
    save('test_softmax11_default', N('Softmax',['in0'],['out0']), [x],[softmax2d(x,1)], opset=11)
    save('test_logsoftmax11_axis0', N('LogSoftmax',['in0'],['out0'],axis=0), [x],[np.log(softmax2d(x,0))], opset=11)
    def hardmax2d(a,axis):
        s=a.shape; m=a.reshape(int(np.prod(s[:axis])),-1); o=np.zeros_like(m); o[np.arange(m.shape[0]),m.argmax(1)]=1; return o.reshape(s)
    save('test_hardmax11_axis1', N('Hardmax',['in0'],['out0'],axis=1), [x],[hardmax2d(x,1)], opset=11)
    v,i=torch.topk(torch.tensor(x),2,dim=1)
    save('test_topk9', N('TopK',['in0'],['out0','out1'],k=2,axis=1), [x],[v.numpy(),i.numpy()], opset=9)
    save('test_reducesum11', N('ReduceSum',['in0'],['out0'],axes=[0,2],keepdims=0), [x],[x.sum((0,2))], opset=11)
    save('test_reducemean11', N('ReduceMean',['in0'],['out0'],axes=[-1]), [x],[x.mean(-1,keepdims=True)], opset=11)
    z=f32(1,2,3,4)
    save('test_upsample7', N('Upsample',['in0'],['out0'],scales=[1.0,1.0,2.0,3.0],mode='nearest'), [z],[z.repeat(2,2).repeat(3,3)], opset=7)
    save('test_resize10_nearest', N('Resize',['in0','in1'],['out0'],mode='nearest'), [z,np.array([1,1,2,2],np.float32)],[z.repeat(2,2).repeat(2,3)], opset=10)
    bx=f32(2,3,4,5); sc=f32(3); bb=f32(3); mu=f32(3); var=np.abs(f32(3))+0.5
    save('test_batchnorm9', N('BatchNormalization',['in0','in1','in2','in3','in4'],['out0'],epsilon=1e-3),
         [bx,sc,bb,mu,var],[((bx-mu.reshape(1,3,1,1))/np.sqrt(var.reshape(1,3,1,1)+1e-3)*sc.reshape(1,3,1,1)+bb.reshape(1,3,1,1)).astype(np.float32)], opset=9)
    save('test_dropout7', N('Dropout',['in0'],['out0'],ratio=0.3), [x],[x], opset=7)
    save('test_dropout12_mask', N('Dropout',['in0'],['out0','out1']), [x],[x,np.ones(x.shape,bool)], opset=12)
    # training_mode as torch.onnx exports it (swin_t): a constant bool false, the mask output too
    ref=torch.nn.functional.dropout(torch.tensor(x),0.1,training=False).numpy()
    save('test_dropout13_training_false', [N('Constant',[],['r'],value=numpy_helper.from_array(np.array(0.1,np.float32))),
                                           N('Constant',[],['t'],value=numpy_helper.from_array(np.array(False))),
                                           N('Dropout',['in0','r','t'],['out0','out1'])], [x],[ref,np.ones(x.shape,bool)], opset=13)
    save('test_globallppool3', N('GlobalLpPool',['in0'],['out0'],p=3), [bx],[(np.abs(bx)**3).sum((2,3),keepdims=True)**(1/3)], opset=11)
    save('test_lpnorm1', N('LpNormalization',['in0'],['out0'],axis=1,p=1), [bx],[bx/np.abs(bx).sum(1,keepdims=True)], opset=11)
    save('test_shape15_neg', N('Shape',['in0'],['out0'],start=-2,end=-1), [x],[np.array([4],np.int64)], opset=15)
    for eq,ins in [('ij,jk->ik',[f32(3,4),f32(4,5)]),('bij,bjk->bik',[f32(2,3,4),f32(2,4,5)]),('ii->i',[f32(4,4)]),('ij->',[f32(3,4)]),('i,j->ij',[f32(3),f32(4)]),('ij,jk',[f32(3,4),f32(4,5)]),('...ij,...jk->...ik',[f32(2,3,4),f32(4,5)]),('bii->bi',[f32(2,3,3)]),('ijk->kji',[f32(2,3,4)])]:
        nm='test_einsum_'+''.join(c if c.isalnum() else '_' for c in eq)
        save(nm, N('Einsum',[f'in{i}' for i in range(len(ins))],['out0'],equation=eq), ins,[np.einsum(eq,*ins).astype(np.float32)], opset=12)
    # conv SAME_LOWER with stride 2 vs torch with explicit pads
    cx=f32(1,2,7,6); cw=f32(3,2,3,3)
    # SAME_LOWER: out=ceil(7/2)=4, total=max(0,(4-1)*2+3-7)=2 -> begin 1 end 1 ; W: out 3, total=(2*2+3-6)=1 -> begin 1 end 0
    ref=torch.nn.functional.conv2d(torch.nn.functional.pad(torch.tensor(cx),(1,0,1,1)),torch.tensor(cw),stride=2).numpy()
    save('test_conv_same_lower_s2', N('Conv',['in0','in1'],['out0'],auto_pad='SAME_LOWER',strides=[2,2]), [cx,cw],[ref], opset=11)
    ref=torch.nn.functional.conv2d(torch.nn.functional.pad(torch.tensor(cx),(0,1,1,1)),torch.tensor(cw),stride=2).numpy()
    save('test_conv_same_upper_s2', N('Conv',['in0','in1'],['out0'],auto_pad='SAME_UPPER',strides=[2,2]), [cx,cw],[ref], opset=11)
    # grouped conv with bias and dilation
    gw=f32(4,1,3,3); gb=f32(4); gx=f32(1,2,8,8)
    ref=torch.nn.functional.conv2d(torch.tensor(gx),torch.tensor(gw),torch.tensor(gb),padding=2,dilation=2,groups=2).numpy()
    save('test_conv_group_dil', N('Conv',['in0','in1','in2'],['out0'],pads=[2,2,2,2],dilations=[2,2],group=2), [gx,gw,gb],[ref], opset=11)
    # conv transpose with output_padding and groups
    tw=f32(2,2,3,3); tx=f32(1,2,4,4)
    ref=torch.nn.functional.conv_transpose2d(torch.tensor(tx),torch.tensor(tw),stride=2,padding=1,output_padding=1).numpy()
    save('test_convT_outpad', N('ConvTranspose',['in0','in1'],['out0'],strides=[2,2],pads=[1,1,1,1],output_padding=[1,1]), [tx,tw],[ref], opset=11)
    # gemm with transposes and vector bias
    a=f32(4,3); b=f32(5,4); c=f32(5)
    save('test_gemm_tt', N('Gemm',['in0','in1','in2'],['out0'],transA=1,transB=1,alpha=0.5,beta=2.0), [a,b,c],[0.5*a.T@b.T+2*c], opset=11)
    # average pool ceil + count_include_pad
    px=f32(1,1,7,7)
    ref=torch.nn.functional.avg_pool2d(torch.tensor(px),3,2,1,ceil_mode=True,count_include_pad=True).numpy()
    save('test_avgpool_ceil_cip', N('AveragePool',['in0'],['out0'],kernel_shape=[3,3],strides=[2,2],pads=[1,1,1,1],ceil_mode=1,count_include_pad=1), [px],[ref], opset=11)
    ref=torch.nn.functional.avg_pool2d(torch.tensor(px),3,2,1,ceil_mode=True,count_include_pad=False).numpy()
    save('test_avgpool_ceil', N('AveragePool',['in0'],['out0'],kernel_shape=[3,3],strides=[2,2],pads=[1,1,1,1],ceil_mode=1), [px],[ref], opset=11)


def dynamic_dims(save):
    rng=np.random.default_rng(2)
    f32=lambda *s: rng.standard_normal(s).astype(np.float32)
    x=f32(3,4,5)
    D=['n','m','k']
    def softmax2d(a,axis):
        s=a.shape; m=a.reshape(int(np.prod(s[:axis])),-1); e=np.exp(m-m.max(1,keepdims=True)); return (e/e.sum(1,keepdims=True)).reshape(s)
    save('test_dyn_softmax11', N('Softmax',['in0'],['out0'],axis=1), [x],[softmax2d(x,1)], opset=11, in_shapes=[D])
    o=np.zeros_like(x); idx=x.argmax(1)
    for a in range(3):
      for c in range(5): o[a,idx[a,c],c]=1
    save('test_dyn_hardmax13', N('Hardmax',['in0'],['out0'],axis=1), [x],[o], opset=13, in_shapes=[D])
    e=f32(3,5)
    save('test_dyn_eyelike', N('EyeLike',['in0'],['out0'],k=1), [e],[np.eye(3,5,k=1,dtype=np.float32)], opset=11, in_shapes=[['a','b']])
    y=f32(3,1,5,1)
    save('test_dyn_squeeze13', N('Squeeze',['in0','in1'],['out0']), [y,np.array([-1,1],np.int64)],[y.reshape(3,5)], opset=13, in_shapes=[['a','b','c','d'],None])
    save('test_dyn_unsqueeze13', N('Unsqueeze',['in0','in1'],['out0']), [x,np.array([3,0],np.int64)],[x.reshape(1,3,4,1,5)], opset=13, in_shapes=[D,None])
    save('test_dyn_reducesum13', N('ReduceSum',['in0','in1'],['out0'],keepdims=0), [x,np.array([2,-3],np.int64)],[x.sum((0,2))], opset=13, in_shapes=[D,None])
    save('test_dyn_reshape_shape', [N('Shape',['in0'],['s']),N('Reshape',['in1','s'],['out0'])], [x, x.reshape(12,5)],[x], opset=13, in_shapes=[D,['p','q']])
    ln_w=f32(5); ln_b=f32(5)
    mean=x.mean(-1,keepdims=True); var=((x-mean)**2).mean(-1,keepdims=True); inv=1/np.sqrt(var+1e-5)
    save('test_dyn_layernorm', N('LayerNormalization',['in0','in1','in2'],['out0','out1','out2']), [x,ln_w,ln_b],[((x-mean)*inv*ln_w+ln_b).astype(np.float32),mean.astype(np.float32),inv.astype(np.float32)], opset=17, in_shapes=[['a','b',5],None,None])
    a=f32(3,4); b=f32(4,5)
    save('test_dyn_einsum', N('Einsum',['in0','in1'],['out0'],equation='ij,jk->ik'), [a,b],[a@b], opset=12, in_shapes=[['i','j'],['j','k']])
    save('test_dyn_einsum_diag', N('Einsum',['in0'],['out0'],equation='ii->i'), [f32(4,4)*0+np.eye(4,dtype=np.float32)],[np.ones(4,np.float32)], opset=12, in_shapes=[['i','i']])
    gx=f32(1,2,5,6); grid=(rng.random((1,3,4,2))*2.4-1.2).astype(np.float32)
    ref=torch.nn.functional.grid_sample(torch.tensor(gx),torch.tensor(grid),mode='bilinear',padding_mode='reflection',align_corners=False).numpy()
    save('test_dyn_gridsample', N('GridSample',['in0','in1'],['out0'],padding_mode='reflection'), [gx,grid],[ref], opset=16, in_shapes=[['n','c','h','w'],['n','ho','wo',2]])
    ref=torch.nn.functional.grid_sample(torch.tensor(gx),torch.tensor(grid),mode='bicubic',padding_mode='border',align_corners=True).numpy()
    save('test_gridsample_bicubic_border_ac', N('GridSample',['in0','in1'],['out0'],mode='bicubic',padding_mode='border',align_corners=1), [gx,grid],[ref], opset=16)
    ref=torch.nn.functional.grid_sample(torch.tensor(gx),torch.tensor(grid),mode='nearest',padding_mode='zeros',align_corners=True).numpy()
    save('test_gridsample_nearest_ac', N('GridSample',['in0','in1'],['out0'],mode='nearest',align_corners=1), [gx,grid],[ref], opset=16)
    ref=torch.nn.functional.grid_sample(torch.tensor(gx),torch.tensor(grid),mode='bicubic',padding_mode='reflection',align_corners=False).numpy()
    save('test_gridsample_bicubic_reflect', N('GridSample',['in0','in1'],['out0'],mode='bicubic',padding_mode='reflection'), [gx,grid],[ref], opset=16)
    save('test_dyn_cumsum_axis', N('CumSum',['in0','in1'],['out0'],reverse=1), [x,np.array(-2,np.int32)],[np.flip(np.cumsum(np.flip(x,1),1),1).copy()], opset=14, in_shapes=[D,None])
    # conv with symbolic batch
    cx=f32(2,3,6,6); cw=f32(4,3,3,3)
    ref=torch.nn.functional.conv2d(torch.tensor(cx),torch.tensor(cw),padding=1).numpy()
    save('test_dyn_conv_same', N('Conv',['in0','in1'],['out0'],auto_pad='SAME_UPPER'), [cx,cw],[ref], opset=11, in_shapes=[['n',3,6,6],None])
    save('test_dyn_conv_same_sym', N('Conv',['in0','in1'],['out0'],auto_pad='SAME_UPPER'), [cx,cw],[ref], opset=11, in_shapes=[['n',3,'h','w'],None])
    # NLL with dynamic
    lx=f32(4,5,3); t=rng.integers(0,5,(4,3)).astype(np.int64); w=np.abs(f32(5))
    loss=-lx[np.arange(4)[:,None],t,np.arange(3)[None,:]]*w[t]
    save('test_dyn_nll', N('NegativeLogLikelihoodLoss',['in0','in1','in2'],['out0'],reduction='mean'), [lx,t,w],[np.array(loss.sum()/w[t].sum(),np.float32)], opset=13, in_shapes=[['n','c','d'],['n','d'],['c']])


def unique(save):
    rng=np.random.default_rng(3)
    def uniq(x, axis, sorted_):
        y,idx,inv,cnt=np.unique(x,True,True,True,axis=axis)
        if not sorted_:
            o=np.argsort(idx); rank=np.empty_like(o); rank[o]=np.arange(len(o))
            idx=idx[o]; cnt=cnt[o]; inv=rank[inv.reshape(-1)]
            y=np.take(x.reshape(-1) if axis is None else x, idx, axis=0 if axis is None else axis)
        return [y, idx.astype(np.int64), inv.reshape(-1).astype(np.int64), cnt.astype(np.int64)]
    for nm,x,axis,s in [('i1',rng.integers(0,5,(4,6)).astype(np.int32),None,1),('i2',rng.integers(0,3,(6,2)).astype(np.int64),0,1),
                        ('i3',rng.integers(0,2,(3,7)).astype(np.float32),1,0),('i4',rng.integers(0,4,(20,)).astype(np.float32),None,0)]:
        kw={'sorted':s}
        if axis is not None: kw['axis']=axis
        save('test_unique_'+nm, N('Unique',['in0'],['out0','out1','out2','out3'],**kw), [x], uniq(x,axis,s), opset=11)


def roi_align(save):
    rng=np.random.default_rng(5)
    X=rng.standard_normal((2,3,9,11)).astype(np.float32)
    rois=np.array([[0,0,5,5],[2.5,1.2,10.7,8.9],[-3,-2,4,3],[7,6,13,12]],np.float32)
    bi=np.array([0,1,1,0],np.int64)
    for aligned in [True, False]:
        ref=torchvision.ops.roi_align(torch.tensor(X), [torch.tensor(rois[bi==0]), torch.tensor(rois[bi==1])], (3,4), 0.8, 2, aligned)
        # torchvision orders by batch list; rebuild in original order
        order=np.concatenate([np.where(bi==0)[0],np.where(bi==1)[0]])
        out=np.empty_like(ref.numpy()); out[order]=ref.numpy()
        save(f'test_roi_{int(aligned)}', N('RoiAlign',['in0','in1','in2'],['out0'],output_height=3,output_width=4,sampling_ratio=2,spatial_scale=0.8,
             coordinate_transformation_mode='half_pixel' if aligned else 'output_half_pixel'), [X,rois,bi],[out], opset=16)
    def ort_max(X, rois, bi, oh, ow, s, scale, half):
        R=len(rois); C,H,W=X.shape[1:]; out=np.zeros((R,C,oh,ow),np.float32)
        for r in range(R):
            off=0.5 if half else 0
            x1,y1,x2,y2=rois[r]*scale-off
            rw,rh=x2-x1,y2-y1
            if not half: rw=max(rw,1); rh=max(rh,1)
            bh,bw=rh/oh,rw/ow
            for c in range(C):
              img=X[bi[r],c]
              for ph in range(oh):
                for pw in range(ow):
                  best=None
                  for iy in range(s):
                    for ix in range(s):
                      y=y1+ph*bh+(iy+.5)*bh/s; x=x1+pw*bw+(ix+.5)*bw/s
                      if y<-1 or y>H or x<-1 or x>W: v=0.0
                      else:
                        y=max(y,0); x=max(x,0); yl=int(y); xl=int(x)
                        if yl>=H-1: yh=yl=H-1; y=yl
                        else: yh=yl+1
                        if xl>=W-1: xh=xl=W-1; x=xl
                        else: xh=xl+1
                        ly=y-yl; lx=x-xl; hy=1-ly; hx=1-lx
                        v=max(hy*hx*img[yl,xl],hy*lx*img[yl,xh],ly*hx*img[yh,xl],ly*lx*img[yh,xh])
                      best=v if best is None else max(best,v)
                  out[r,c,ph,pw]=best
        return out
    save('test_roi_max', N('RoiAlign',['in0','in1','in2'],['out0'],output_height=3,output_width=4,sampling_ratio=2,spatial_scale=0.8,mode='max'),
         [X,rois,bi],[ort_max(X,rois,bi,3,4,2,0.8,True)], opset=16)


def maxpool_indices(save):
    rng=np.random.default_rng(6)
    for k,s,p,dil,ceil in [(3,2,1,1,False),(3,2,1,2,True),(2,3,0,1,True),(3,1,1,1,False)]:
        x=rng.standard_normal((2,3,9,8)).astype(np.float32)
        y,idx=torch.nn.functional.max_pool2d(torch.tensor(x),k,s,p,dil,ceil_mode=ceil,return_indices=True)
        idx=idx.numpy()+(np.arange(6).reshape(2,3,1,1)*72)
        node=helper.make_node('MaxPool',['in0'],['out0','out1'],kernel_shape=[k,k],strides=[s,s],pads=[p,p,p,p],dilations=[dil,dil],ceil_mode=int(ceil))
        save(f'test_maxpool_indices_{k}{s}{p}{dil}{int(ceil)}', node, [x], [y.numpy(), idx.astype(np.int64)])


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: generate_extra_cases.py OUT_DIR", file=sys.stderr)
        return 2
    root = os.path.join(sys.argv[1], "extra")
    tmp = root + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    warnings.simplefilter("ignore")
    save = make_saver(tmp)
    for section in (opset_variants, dynamic_dims, unique, roi_align, maxpool_indices):
        section(save)
    shutil.rmtree(root, ignore_errors=True)
    os.rename(tmp, root)
    print(f"wrote {len(os.listdir(root))} extra cases to {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
