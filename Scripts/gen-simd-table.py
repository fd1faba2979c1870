#!/usr/bin/env python3
# Generates Sources/WasmInterp/SIMDTable.swift: one handler closure per SIMDOp
# (shapes from SIMDHandlers.swift, lane operations from SIMDLanes.swift).
# Usage: Scripts/gen-simd-table.py   (rewrites the file; commit the result)
import os
H='{ %s($0, $1, $2, $3, $4, %s) { %s } }'
rows=[]
def u(name, A, body): rows.append((name, H % ('vUnary', A+'.self', body)))
def b(name, A, body): rows.append((name, H % ('vBinary', A+'.self', body)))
def t(name, A, body): rows.append((name, H % ('vTernary', A+'.self', body)))
def r(name, A, body): rows.append((name, H % ('vReduce', A+'.self', body)))
def sh(name, A, body): rows.append((name, H % ('vShift', A+'.self', body)))
def sp(name, body): rows.append((name, '{ vFromScalar($0, $1, $2, $3, $4) { %s } }' % body))

sp('i8x16Splat','U8x16(repeating: UInt8(truncatingIfNeeded: $0))')
sp('i16x8Splat','U16x8(repeating: UInt16(truncatingIfNeeded: $0))')
sp('i32x4Splat','U32x4(repeating: UInt32(truncatingIfNeeded: $0))')
sp('i64x2Splat','U64x2(repeating: $0)')
sp('f32x4Splat','U32x4(repeating: UInt32(truncatingIfNeeded: $0))')
sp('f64x2Splat','U64x2(repeating: $0)')
b('i8x16Swizzle','U8x16','swizzle($0, $1)')
ints=[('i8x16','I8x16','U8x16'),('i16x8','I16x8','U16x8'),('i32x4','I32x4','U32x4')]
for p,S,U in ints:
    for n,op,T in [('Eq','.==',U),('Ne','.!=',U),('LtS','.<',S),('LtU','.<',U),('GtS','.>',S),('GtU','.>',U),('LeS','.<=',S),('LeU','.<=',U),('GeS','.>=',S),('GeU','.>=',U)]:
        b(p+n,T,'lanes($0 %s $1, %s.self)'%(op,T))
for n,op in [('Eq','.=='),('Ne','.!='),('LtS','.<'),('GtS','.>'),('LeS','.<='),('GeS','.>=')]:
    b('i64x2'+n,'I64x2','lanes($0 %s $1, I64x2.self)'%op)
for p,F,I in [('f32x4','F32x4','I32x4'),('f64x2','F64x2','I64x2')]:
    for n,op in [('Eq','.=='),('Ne','.!='),('Lt','.<'),('Gt','.>'),('Le','.<='),('Ge','.>=')]:
        b(p+n,F,'lanes($0 %s $1, %s.self)'%(op,I))
u('v128Not','U64x2','~$0')
b('v128And','U64x2','$0 & $1')
b('v128AndNot','U64x2','$0 & ~$1')
b('v128Or','U64x2','$0 | $1')
b('v128Xor','U64x2','$0 ^ $1')
t('v128Bitselect','U64x2','($0 & $2) | ($1 & ~$2)')
r('v128AnyTrue','U64x2','($0[0] | $0[1]) != 0 ? 1 : 0')
u('f32x4DemoteF64x2Zero','F64x2','F32x4(Float($0[0]), Float($0[1]), 0, 0)')
u('f64x2PromoteLowF32x4','F32x4','F64x2(Double($0[0]), Double($0[1]))')
for p,S,U,W,WU,N in [('i8x16','I8x16','U8x16','SIMD16<Int16>','SIMD16<UInt16>',16),('i16x8','I16x8','U16x8','SIMD8<Int32>','SIMD8<UInt32>',8),('i32x4','I32x4','U32x4',None,None,4),('i64x2','I64x2','U64x2',None,None,2)]:
    u(p+'Abs',S,'absolute($0)')
    u(p+'Neg',S,'0 &- $0')
    r(p+'AllTrue',S,'allTrue($0)')
    r(p+'Bitmask',S,'bitmask($0)')
    sh(p+'Shl',S,'$0 &<< $1')
    sh(p+'ShrS',S,'$0 &>> $1')
    sh(p+'ShrU',U,'$0 &>> $1')
    b(p+'Add',S,'$0 &+ $1')
    b(p+'Sub',S,'$0 &- $1')
    if p!='i8x16': b(p+'Mul',S,'$0 &* $1')
    if W:
        b(p+'AddSatS',S,'addSaturating($0, $1)')
        b(p+'AddSatU',U,'addSaturating($0, $1)')
        b(p+'SubSatS',S,'subtractSaturating($0, $1)')
        b(p+'SubSatU',U,'($0 &- $1) & ~lanes($0 .< $1, %s.self)' % U)
        b(p+'AvgrU',U,'roundingAverage($0, $1)')
    if p!='i64x2':
        b(p+'MinS',S,'$0.replacing(with: $1, where: $1 .< $0)')
        b(p+'MinU',U,'$0.replacing(with: $1, where: $1 .< $0)')
        b(p+'MaxS',S,'$0.replacing(with: $1, where: $0 .< $1)')
        b(p+'MaxU',U,'$0.replacing(with: $1, where: $0 .< $1)')
u('i8x16Popcnt','U8x16','popcount($0)')
b('i8x16NarrowI16x8S','I16x8','I8x16(lowHalf: saturate($0, SIMD8<Int8>.self), highHalf: saturate($1, SIMD8<Int8>.self))')
b('i8x16NarrowI16x8U','I16x8','U8x16(lowHalf: saturate($0, SIMD8<UInt8>.self), highHalf: saturate($1, SIMD8<UInt8>.self))')
b('i16x8NarrowI32x4S','I32x4','I16x8(lowHalf: saturate($0, SIMD4<Int16>.self), highHalf: saturate($1, SIMD4<Int16>.self))')
b('i16x8NarrowI32x4U','I32x4','U16x8(lowHalf: saturate($0, SIMD4<UInt16>.self), highHalf: saturate($1, SIMD4<UInt16>.self))')
for F,p,U,bits,sign in [('F32x4','f32x4','U32x4','0x7fff_ffff','0x8000_0000'),('F64x2','f64x2','U64x2','0x7fff_ffff_ffff_ffff','0x8000_0000_0000_0000')]:
    u(p+'Ceil',F,'$0.rounded(.up)')
    u(p+'Floor',F,'$0.rounded(.down)')
    u(p+'Trunc',F,'$0.rounded(.towardZero)')
    u(p+'Nearest',F,'$0.rounded(.toNearestOrEven)')
    u(p+'Abs',U,'$0 & %s'%bits)
    u(p+'Neg',U,'$0 ^ %s'%sign)
    u(p+'Sqrt',F,'$0.squareRoot()')
    b(p+'Add',F,'$0 + $1')
    b(p+'Sub',F,'$0 - $1')
    b(p+'Mul',F,'$0 * $1')
    b(p+'Div',F,'$0 / $1')
    b(p+'Min',F,'wasmMin($0, $1)')
    b(p+'Max',F,'wasmMax($0, $1)')
    b(p+'Pmin',F,'$0.replacing(with: $1, where: $1 .< $0)')
    b(p+'Pmax',F,'$0.replacing(with: $1, where: $0 .< $1)')
# extends / extmul / extadd
for dst,src,S,U,WS,WU in [('i16x8','I8x16','I8x16','U8x16','I16x8','U16x8'),('i32x4','I16x8','I16x8','U16x8','I32x4','U32x4'),('i64x2','I32x4','I32x4','U32x4','I64x2','U64x2')]:
    srcname={'I8x16':'I8x16','I16x8':'I16x8','I32x4':'I32x4'}[src]
    sn=srcname[0].upper()+srcname[1:].replace('X','x')
    for half,h in [('Low','lowHalf'),('High','highHalf')]:
        u('%sExtend%s%sS'%(dst,half,sn),S,'%s(truncatingIfNeeded: $0.%s)'%(WS,h))
        u('%sExtend%s%sU'%(dst,half,sn),U,'%s(truncatingIfNeeded: $0.%s)'%(WU,h))
        b('%sExtmul%s%sS'%(dst,half,sn),S,'%s(truncatingIfNeeded: $0.%s) &* %s(truncatingIfNeeded: $1.%s)'%(WS,h,WS,h))
        b('%sExtmul%s%sU'%(dst,half,sn),U,'%s(truncatingIfNeeded: $0.%s) &* %s(truncatingIfNeeded: $1.%s)'%(WU,h,WU,h))
    if dst!='i64x2':
        u('%sExtaddPairwise%sS'%(dst,sn),S,'%s(truncatingIfNeeded: $0.evenHalf) &+ %s(truncatingIfNeeded: $0.oddHalf)'%(WS,WS))
        u('%sExtaddPairwise%sU'%(dst,sn),U,'%s(truncatingIfNeeded: $0.evenHalf) &+ %s(truncatingIfNeeded: $0.oddHalf)'%(WU,WU))
b('i16x8Q15mulrSatS','I16x8','saturate((SIMD8<Int32>(truncatingIfNeeded: $0) &* SIMD8<Int32>(truncatingIfNeeded: $1) &+ 0x4000) &>> 15, I16x8.self)')
b('i32x4DotI16x8S','I16x8','dot($0, $1)')
u('i32x4TruncSatF32x4S','F32x4','mapLanes($0, I32x4.self) { Int32(truncatingIfNeeded: truncateSatS32($0)) }')
u('i32x4TruncSatF32x4U','F32x4','mapLanes($0, U32x4.self) { UInt32(truncatingIfNeeded: truncateSatU32($0)) }')
u('f32x4ConvertI32x4S','I32x4','mapLanes($0, F32x4.self) { Float($0) }')
u('f32x4ConvertI32x4U','U32x4','mapLanes($0, F32x4.self) { Float($0) }')
u('i32x4TruncSatF64x2SZero','F64x2','I32x4(Int32(truncatingIfNeeded: truncateSatS32($0[0])), Int32(truncatingIfNeeded: truncateSatS32($0[1])), 0, 0)')
u('i32x4TruncSatF64x2UZero','F64x2','U32x4(UInt32(truncatingIfNeeded: truncateSatU32($0[0])), UInt32(truncatingIfNeeded: truncateSatU32($0[1])), 0, 0)')
u('f64x2ConvertLowI32x4S','I32x4','F64x2(Double($0[0]), Double($0[1]))')
u('f64x2ConvertLowI32x4U','U32x4','F64x2(Double($0[0]), Double($0[1]))')

# Relaxed SIMD: the deterministic profile's choice (index 0) for each.
b('i8x16RelaxedSwizzle','U8x16','swizzle($0, $1)')
u('i32x4RelaxedTruncF32x4S','F32x4','mapLanes($0, I32x4.self) { Int32(truncatingIfNeeded: truncateSatS32($0)) }')
u('i32x4RelaxedTruncF32x4U','F32x4','mapLanes($0, U32x4.self) { UInt32(truncatingIfNeeded: truncateSatU32($0)) }')
u('i32x4RelaxedTruncF64x2SZero','F64x2','I32x4(Int32(truncatingIfNeeded: truncateSatS32($0[0])), Int32(truncatingIfNeeded: truncateSatS32($0[1])), 0, 0)')
u('i32x4RelaxedTruncF64x2UZero','F64x2','U32x4(UInt32(truncatingIfNeeded: truncateSatU32($0[0])), UInt32(truncatingIfNeeded: truncateSatU32($0[1])), 0, 0)')
t('f32x4RelaxedMadd','F32x4','unfusedMultiplyAdd($0, $1, $2)')
t('f32x4RelaxedNmadd','F32x4','unfusedMultiplyAdd(-$0, $1, $2)')
t('f64x2RelaxedMadd','F64x2','unfusedMultiplyAdd($0, $1, $2)')
t('f64x2RelaxedNmadd','F64x2','unfusedMultiplyAdd(-$0, $1, $2)')
for p in ['i8x16','i16x8','i32x4','i64x2']:
    t(p+'RelaxedLaneselect','U64x2','($0 & $2) | ($1 & ~$2)')
b('f32x4RelaxedMin','F32x4','wasmMin($0, $1)')
b('f32x4RelaxedMax','F32x4','wasmMax($0, $1)')
b('f64x2RelaxedMin','F64x2','wasmMin($0, $1)')
b('f64x2RelaxedMax','F64x2','wasmMax($0, $1)')
b('i16x8RelaxedQ15mulrS','I16x8','saturate((SIMD8<Int32>(truncatingIfNeeded: $0) &* SIMD8<Int32>(truncatingIfNeeded: $1) &+ 0x4000) &>> 15, I16x8.self)')
b('i16x8RelaxedDotI8x16I7x16S','I8x16','dotSaturating($0, $1)')
t('i32x4RelaxedDotI8x16I7x16AddS','I8x16','dotAdd($0, $1, $2)')

out=['// Generated by Scripts/gen-simd-table.py (table code, one line a SIMDOp): the handler of each',
'// v128 instruction without immediates, as a closure over the shapes of',
'// SIMDHandlers.swift and the lane operations of SIMDLanes.swift. Integer lanes',
'// wrap (`&+`); comparisons give all-ones lanes; float lanes follow IEEE 754 with',
'// the Wasm rules for min/max (NaN wins, -0 < +0) and pmin/pmax (a plain `<`).',
'// Relaxed SIMD takes the deterministic profile\'s choice for every operation',
'// (docs/simd.md): swizzle, trunc_sat, unfused madd, bitselect, fmin/fmax,',
'// q15mulr_sat, signed dot products.',
'// https://webassembly.github.io/spec/core/exec/numerics.html',
'','import WasmCore','','// swift-format-ignore',
'func simdHandler(_ op: SIMDOp) -> Handler {','  switch op {']
for n,h in rows: out.append('  case .%s: return %s' % (n,h))
out+=['  }','}','']
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Sources', 'WasmInterp', 'SIMDTable.swift'),'w').write('\n'.join(out))
print(f'{len(rows)} handlers')
