//! The syntax tree of one IDL file, as written: no name is resolved here (only operations on
//! integer literals are folded into their values: see [`Expr`]).
//!
//! Every node that a later stage may report an error about carries a [`Span`].

use std::sync::Arc;

use crate::diag::{FileId, Span};

/// A name as written, its text shared with the token it was read from and every other use of
/// the same spelling in the file (a syntax tree copies no text). Reads as a `&str`.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Arc<str>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The shared text (a copy of the pointer, not of the text).
    pub fn shared(&self) -> Arc<str> {
        self.0.clone()
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// As a `String` prints: quoted.
impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Arc<str>> for Name {
    fn from(s: Arc<str>) -> Name {
        Name(s)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name(Arc::from(s))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name(Arc::from(s))
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.0.to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

/// An identifier with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: Name,
    pub span: Span,
}

/// A parsed file.
#[derive(Debug, Clone)]
pub struct File {
    pub id: FileId,
    pub items: Vec<Item>,
    /// The file each `import` names, in the order the imports stand (file scope, interface
    /// bodies, libraries, modules, as a walk of `items` meets them), filled in by the loader.
    /// Resolution takes each imported file where its `import` stands, as MIDL does.
    pub imports: Vec<FileId>,
}

/// A top-level or library-level declaration.
#[derive(Debug, Clone)]
pub enum Item {
    /// `import "a.idl", "b.idl";`
    Import(Vec<StrLit>),
    /// `importlib("stdole2.tlb");`
    ImportLib(StrLit),
    /// `cpp_quote("...")`
    CppQuote(StrLit),
    /// `midl_pragma warning(...)` or a `#pragma` that survives preprocessing (kept as text).
    Pragma(StrLit),
    /// `interface IFoo;` (also `dispinterface IFoo;`, `coclass C;`)
    Forward(Forward),
    Interface(Interface),
    Dispinterface(Dispinterface),
    Coclass(Coclass),
    Library(Library),
    Module(Module),
    Typedef(Typedef),
    /// A struct, union or enum declared on its own: `struct S { ... };`
    TypeDecl(Attributed<TypeSpec>),
    Const(Const),
    /// A function declared at file scope (`[local] HRESULT F(void);`, RPC interfaces' free functions).
    Function(Method),
    /// `extern const FMTID FMTID_SummaryInformation;`: a variable defined elsewhere (widl's
    /// extension, in Wine's objidl.idl).
    Extern(Extern),
}

/// `extern TYPE NAME;`
#[derive(Debug, Clone)]
pub struct Extern {
    pub ty: TypeRef,
    pub name: Ident,
    pub span: Span,
}

/// `[attrs] interface X : Base { ... }` etc. attach attributes to a node.
#[derive(Debug, Clone)]
pub struct Attributed<T> {
    pub attrs: Vec<Attribute>,
    pub item: T,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardKind {
    Interface,
    Dispinterface,
    Coclass,
}

#[derive(Debug, Clone)]
pub struct Forward {
    pub kind: ForwardKind,
    pub name: Ident,
}

/// A string literal, escapes already processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

/// `name` or `name(args)`.
#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: Ident,
    pub args: AttrArgs,
    pub span: Span,
}

/// An attribute's arguments, read as a slice. Most attributes take none or one (`in`,
/// `uuid(...)`, `helpstring("...")`), held in the node itself: a `Vec` cost an allocation for
/// each of the ~1200 attributes with arguments of a Wine file with its imports.
#[derive(Debug, Clone, Default)]
pub enum AttrArgs {
    #[default]
    None,
    One(AttrArg),
    /// Two or more (`size_is(, n)`, `custom(uuid, value)`).
    Many(Vec<AttrArg>),
}

impl AttrArgs {
    /// Adds an argument after the others.
    pub fn push(&mut self, arg: AttrArg) {
        *self = match std::mem::take(self) {
            AttrArgs::None => AttrArgs::One(arg),
            AttrArgs::One(first) => AttrArgs::Many(vec![first, arg]),
            AttrArgs::Many(mut all) => {
                all.push(arg);
                AttrArgs::Many(all)
            }
        };
    }
}

impl std::ops::Deref for AttrArgs {
    type Target = [AttrArg];

    fn deref(&self) -> &[AttrArg] {
        match self {
            AttrArgs::None => &[],
            AttrArgs::One(arg) => std::slice::from_ref(arg),
            AttrArgs::Many(all) => all,
        }
    }
}

impl<'a> IntoIterator for &'a AttrArgs {
    type Item = &'a AttrArg;
    type IntoIter = std::slice::Iter<'a, AttrArg>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// One argument of an attribute. Which form is allowed depends on the attribute; the parser knows
/// (e.g. `uuid` takes a [`AttrArg::Uuid`], `helpstring` a string, `id` and `size_is` expressions,
/// `switch_type` and `custom`'s value a type or an expression).
#[derive(Debug, Clone)]
pub enum AttrArg {
    Expr(Expr),
    Str(StrLit),
    Uuid(Uuid),
    Type(Box<TypeRef>),
    /// `version(1.0)`
    Version {
        major: u16,
        minor: u16,
        span: Span,
    },
    /// An omitted argument, as in `size_is(, n)`.
    Empty(Span),
}

/// A GUID as 16 bytes in the order the text names them: data1 (u32), data2, data3, `data4[8]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Uuid {
    pub data1: u32,
    pub data2: u16,
    pub data3: u16,
    pub data4: [u8; 8],
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Interface {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub base: Option<Ident>,
    /// Declarations in the body, in order: methods, and the `import`, `typedef`, `const`,
    /// `cpp_quote` items that MIDL allows there.
    pub body: Vec<InterfaceMember>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum InterfaceMember {
    Method(Method),
    Item(Item),
}

/// A method (or a file-scope function).
#[derive(Debug, Clone)]
pub struct Method {
    pub attrs: Vec<Attribute>,
    pub ret: TypeRef,
    /// Calling convention keyword as written (`__stdcall`, `STDMETHODCALLTYPE`...), if any.
    pub callconv: Option<Ident>,
    pub name: Ident,
    /// `(void)` and `()` both give an empty list.
    pub params: Vec<Param>,
    /// The list ends in C's `...`.
    pub variadic: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub attrs: Vec<Attribute>,
    pub ty: TypeRef,
    /// Unnamed parameters are allowed in IDL (`HRESULT F([in] LONG);`).
    pub name: Option<Ident>,
    pub span: Span,
}

/// A type as written: base specifier, then the declarator's pointers and array bounds.
#[derive(Debug, Clone)]
pub struct TypeRef {
    /// `const` before or after the base specifier.
    pub is_const: bool,
    pub spec: TypeSpec,
    /// One entry per `*`, innermost first; `true` where that pointer is `* const`.
    pub pointers: Pointers,
    /// Array dimensions after the declarator name, outermost first.
    pub arrays: Vec<ArrayDim>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PointerLevel {
    pub is_const: bool,
}

/// A declarator's pointer levels, innermost first: a count and a bit per level for `* const`,
/// held in the node itself rather than in a `Vec` (an allocation for each of the ~1000
/// pointer-typed declarators of a Wine file with its imports). Levels past the 64th, which no
/// real file has, go to `more`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pointers {
    len: usize,
    /// Bit `k`: level `k` (below 64) is `* const`.
    consts: u64,
    /// Levels 64 and on.
    more: Vec<PointerLevel>,
}

impl Pointers {
    /// One plain pointer (`*`).
    pub fn one() -> Pointers {
        let mut p = Pointers::default();
        p.push(PointerLevel { is_const: false });
        p
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, level: PointerLevel) {
        if self.len < 64 {
            self.consts |= u64::from(level.is_const) << self.len;
        } else {
            self.more.push(level);
        }
        self.len += 1;
    }

    /// Marks the outermost level so far `* const` (nothing if there is none).
    pub fn set_last_const(&mut self) {
        match self.len {
            0 => {}
            n @ 1..=64 => self.consts |= 1 << (n - 1),
            _ => {
                if let Some(last) = self.more.last_mut() {
                    last.is_const = true;
                }
            }
        }
    }

    /// Level `k` (below [`Pointers::len`]).
    fn level(&self, k: usize) -> PointerLevel {
        let is_const = if k < 64 {
            self.consts >> k & 1 != 0
        } else {
            self.more.get(k - 64).is_some_and(|l| l.is_const)
        };
        PointerLevel { is_const }
    }

    /// The levels, innermost first.
    pub fn iter(&self) -> impl Iterator<Item = PointerLevel> + '_ {
        (0..self.len).map(|k| self.level(k))
    }

    /// Adds `other`'s levels outside these.
    pub fn extend(&mut self, other: &Pointers) {
        for level in other.iter() {
            self.push(level);
        }
    }
}

#[derive(Debug, Clone)]
pub enum ArrayDim {
    /// `[N]` with a constant expression.
    Fixed(Expr),
    /// `[]`
    Open,
    /// `[*]`
    Star,
}

/// The type specifier, before any declarator.
///
/// A struct, union or enum definition is shared (an `Arc`) by the typedef's `base` and each of
/// its declarators: they name one type, and copying a `TypeRef` copies no body.
#[derive(Debug, Clone)]
pub enum TypeSpec {
    /// Built-in C / IDL base types, normalised: `void`, `char`, `short`, `int`, `long`, `hyper`,
    /// `__int64`, `__int32`, `__int3264`, `float`, `double`, `boolean`, `byte`, `small`, `wchar_t`,
    /// `handle_t`, `error_status_t`, with `signed`/`unsigned` folded in.
    Base(BaseType),
    /// A name: a typedef, an interface, or an unresolved forward reference.
    Named(Ident),
    /// `struct Tag` (a reference) or `struct Tag { ... }` / `struct { ... }` (a definition).
    Struct(std::sync::Arc<StructDef>),
    Union(std::sync::Arc<UnionDef>),
    Enum(std::sync::Arc<EnumDef>),
    /// `SAFEARRAY(T)`
    SafeArray(Box<TypeRef>),
    /// The function a parameter or field declared as a function pointer points to:
    /// `BOOL (*pfnContinue)(ULONG_PTR)` is a [`TypeRef`] with this spec and one pointer.
    Function(Box<FunctionType>),
}

/// `RET (CALLCONV *)(PARAMS)` without the pointer.
#[derive(Debug, Clone)]
pub struct FunctionType {
    pub ret: TypeRef,
    pub callconv: Option<Ident>,
    pub params: Vec<Param>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BaseType {
    Void,
    Char,
    UChar,
    /// `small` / `signed char`
    SChar,
    Short,
    UShort,
    Int,
    UInt,
    Long,
    ULong,
    Hyper,
    UHyper,
    Int64,
    UInt64,
    Int32,
    UInt32,
    Int3264,
    UInt3264,
    Float,
    Double,
    Boolean,
    Byte,
    WChar,
    HandleT,
    ErrorStatusT,
}

#[derive(Debug, Clone)]
pub struct StructDef {
    pub tag: Option<Ident>,
    /// `None` for a reference (`struct Tag`), `Some` for a definition (possibly empty).
    pub fields: Option<Vec<Field>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub attrs: Vec<Attribute>,
    pub ty: TypeRef,
    /// Anonymous struct/union members have no name.
    pub name: Option<Ident>,
    /// `: N` bit-field width, if any.
    pub bits: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct UnionDef {
    pub tag: Option<Ident>,
    /// `union Tag switch (LONG d) u { case 1: ...; }` is encapsulated.
    pub switch: Option<UnionSwitch>,
    /// `None` for a reference; `Some` for a definition.
    pub arms: Option<Vec<UnionArm>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct UnionSwitch {
    pub ty: Box<TypeRef>,
    pub discriminant: Ident,
    /// The name of the union member of the generated struct (`u` above), if given.
    pub union_name: Option<Ident>,
}

/// A field of a union with the `case` labels (non-empty for `case`; empty for plain C unions and
/// `[case(...)]` attributes, which stay in `field.attrs`).
#[derive(Debug, Clone)]
pub struct UnionArm {
    pub cases: Vec<CaseLabel>,
    /// `None` for an empty arm (`case 3: ;`).
    pub field: Option<Field>,
}

#[derive(Debug, Clone)]
pub enum CaseLabel {
    Case(Expr),
    Default,
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub tag: Option<Ident>,
    /// `None` for a reference (`enum Tag`), `Some` for a definition.
    pub values: Option<Vec<EnumValue>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub value: Option<Expr>,
}

/// `typedef [attrs] TYPE decl1, *decl2, decl3[4];`
#[derive(Debug, Clone)]
pub struct Typedef {
    pub attrs: Vec<Attribute>,
    /// The shared specifier (`is_const`, `spec`; its own `pointers`/`arrays` are empty).
    pub base: TypeRef,
    pub declarators: Vec<Declarator>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Declarator {
    pub name: Ident,
    /// The full type of this name (base + its own pointers and arrays).
    pub ty: TypeRef,
    /// `typedef HRESULT (__stdcall *PFN)(LONG a);`: the declarator is a function pointer.
    pub function: Option<FunctionPointer>,
}

#[derive(Debug, Clone)]
pub struct FunctionPointer {
    pub callconv: Option<Ident>,
    pub params: Vec<Param>,
    /// `false` for a function type (`typedef int (__stdcall FARPROC)();`), not a pointer to one.
    pub pointer: bool,
}

/// `const TYPE NAME = expr;`
#[derive(Debug, Clone)]
pub struct Const {
    pub ty: TypeRef,
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Dispinterface {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub body: DispinterfaceBody,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum DispinterfaceBody {
    /// `properties: ... methods: ...`
    Members {
        properties: Vec<Field>,
        methods: Vec<Method>,
    },
    /// `dispinterface D { interface IFoo; }`
    Interface(Ident),
}

#[derive(Debug, Clone)]
pub struct Coclass {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub interfaces: Vec<CoclassMember>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct CoclassMember {
    /// `[default, source]` etc.
    pub attrs: Vec<Attribute>,
    /// `interface` or `dispinterface`.
    pub is_dispinterface: bool,
    pub name: Ident,
}

#[derive(Debug, Clone)]
pub struct Library {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub items: Vec<Item>,
    pub span: Span,
    /// The first item is MIDL's own import of oaidl.idl and oleidl.idl, which the loader puts
    /// at the head of every library.
    pub implicit_imports: bool,
}

#[derive(Debug, Clone)]
pub struct Module {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    /// Functions and consts.
    pub items: Vec<Item>,
    pub span: Span,
}

/// A constant expression, as in C.
///
/// The parser folds an operation whose operands are all integer literals into the literal it
/// gives ([`BinaryOp::apply`], [`UnaryOp::apply`], [`truth`] for `?:`), with the operation's span:
/// `((0x80010000+500)+1)` is one [`Expr::Int`]. An operation without a value (overflow, division
/// by zero) stays as written, for the model's evaluator to report; so do floating values, names,
/// casts (and the prefix operator just after one: `(NAME)-1` may be `NAME - 1`), `sizeof` and
/// members.
#[derive(Debug, Clone)]
pub enum Expr {
    /// Integer literal, value already decoded (`0x80000000`, `10L`, `'a'`), or an operation on
    /// integer literals folded into its value.
    Int(i128, Span),
    Float(f64, Span),
    Str(StrLit),
    /// A name: an enum value, a const, or a parameter (in `size_is`).
    Name(Ident),
    Unary(UnaryOp, Box<Expr>, Span),
    Binary(BinaryOp, Box<Expr>, Box<Expr>, Span),
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>, Span),
    /// `(TYPE) expr`
    Cast(Box<TypeRef>, Box<Expr>, Span),
    /// `sizeof(TYPE)`
    SizeOf(Box<TypeRef>, Span),
    /// `a.b`, `a->b` (in size_is expressions)
    Member(Box<Expr>, Ident, Span),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Int(_, s) | Expr::Float(_, s) => *s,
            Expr::Str(s) => s.span,
            Expr::Name(i) => i.span,
            Expr::Unary(_, _, s)
            | Expr::Binary(_, _, _, s)
            | Expr::Ternary(_, _, _, s)
            | Expr::Cast(_, _, s)
            | Expr::SizeOf(_, s)
            | Expr::Member(_, _, s) => *s,
        }
    }
}

/// Why an integer operator gives no value (the model's evaluator words the error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntError {
    /// The result is out of `i128`'s range, or a shift count is negative or too large.
    Overflow,
    /// `/` or `%` by zero (and `i128::MIN / -1`, which the evaluator has always reported so).
    DivisionByZero,
    /// `*p`, `&x`: pointer operators have no constant value.
    NotConstant,
}

/// C's truth of an integer, for `!`, `&&`, `||` and `?:`: anything but zero.
pub fn truth(v: i128) -> bool {
    v != 0
}

impl UnaryOp {
    /// The operator on an integer, as C's on constant expressions (in `i128`).
    pub fn apply(self, v: i128) -> Result<i128, IntError> {
        match self {
            UnaryOp::Neg => v.checked_neg().ok_or(IntError::Overflow),
            UnaryOp::Plus => Ok(v),
            UnaryOp::Not => Ok(i128::from(!truth(v))),
            UnaryOp::BitNot => Ok(!v),
            UnaryOp::Deref | UnaryOp::AddrOf => Err(IntError::NotConstant),
        }
    }
}

impl BinaryOp {
    /// The operator on two integers, as C's on constant expressions (in `i128`; comparisons and
    /// logical operators give 0 or 1; both operands of `&&` and `||` are already values).
    pub fn apply(self, x: i128, y: i128) -> Result<i128, IntError> {
        use IntError::{DivisionByZero, Overflow};
        Ok(match self {
            BinaryOp::Mul => x.checked_mul(y).ok_or(Overflow)?,
            BinaryOp::Div => x.checked_div(y).ok_or(DivisionByZero)?,
            BinaryOp::Rem => x.checked_rem(y).ok_or(DivisionByZero)?,
            BinaryOp::Add => x.checked_add(y).ok_or(Overflow)?,
            BinaryOp::Sub => x.checked_sub(y).ok_or(Overflow)?,
            BinaryOp::Shl => u32::try_from(y)
                .ok()
                .filter(|s| *s < 127)
                .and_then(|s| x.checked_shl(s))
                .ok_or(Overflow)?,
            BinaryOp::Shr => u32::try_from(y)
                .ok()
                .filter(|s| *s < 128)
                .map(|s| x >> s)
                .ok_or(Overflow)?,
            BinaryOp::Lt => i128::from(x < y),
            BinaryOp::Gt => i128::from(x > y),
            BinaryOp::Le => i128::from(x <= y),
            BinaryOp::Ge => i128::from(x >= y),
            BinaryOp::Eq => i128::from(x == y),
            BinaryOp::Ne => i128::from(x != y),
            BinaryOp::BitAnd => x & y,
            BinaryOp::BitXor => x ^ y,
            BinaryOp::BitOr => x | y,
            BinaryOp::And => i128::from(truth(x) && truth(y)),
            BinaryOp::Or => i128::from(truth(x) || truth(y)),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Plus,
    Not,
    BitNot,
    /// `*p` in size_is
    Deref,
    /// `&x`
    AddrOf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Mul,
    Div,
    Rem,
    Add,
    Sub,
    Shl,
    Shr,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    BitAnd,
    BitXor,
    BitOr,
    And,
    Or,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_operators() {
        use IntError::*;
        assert_eq!(BinaryOp::Add.apply(0x8001_0000, 500), Ok(0x8001_01F4));
        assert_eq!(BinaryOp::Sub.apply(i128::MIN, 1), Err(Overflow));
        assert_eq!(BinaryOp::Mul.apply(i128::MAX, 2), Err(Overflow));
        assert_eq!(BinaryOp::Div.apply(-7, 2), Ok(-3));
        assert_eq!(BinaryOp::Rem.apply(-7, 2), Ok(-1));
        assert_eq!(BinaryOp::Div.apply(1, 0), Err(DivisionByZero));
        assert_eq!(BinaryOp::Rem.apply(1, 0), Err(DivisionByZero));
        assert_eq!(BinaryOp::Div.apply(i128::MIN, -1), Err(DivisionByZero));
        assert_eq!(BinaryOp::Shl.apply(1, 126), Ok(1 << 126));
        assert_eq!(BinaryOp::Shl.apply(1, 127), Err(Overflow));
        assert_eq!(BinaryOp::Shl.apply(1, 200), Err(Overflow));
        assert_eq!(BinaryOp::Shl.apply(1, -1), Err(Overflow));
        assert_eq!(BinaryOp::Shr.apply(-8, 1), Ok(-4));
        assert_eq!(BinaryOp::Shr.apply(-1, 127), Ok(-1));
        assert_eq!(BinaryOp::Shr.apply(1, 128), Err(Overflow));
        assert_eq!(BinaryOp::Le.apply(2, 2), Ok(1));
        assert_eq!(BinaryOp::Ne.apply(2, 2), Ok(0));
        assert_eq!(BinaryOp::And.apply(2, 0), Ok(0));
        assert_eq!(BinaryOp::Or.apply(0, -3), Ok(1));
        assert_eq!(BinaryOp::BitXor.apply(0b110, 0b011), Ok(0b101));
        assert_eq!(UnaryOp::Neg.apply(i128::MIN), Err(Overflow));
        assert_eq!(UnaryOp::Not.apply(7), Ok(0));
        assert_eq!(UnaryOp::BitNot.apply(0), Ok(-1));
        assert_eq!(UnaryOp::Deref.apply(1), Err(NotConstant));
        assert_eq!(UnaryOp::AddrOf.apply(1), Err(NotConstant));
    }
}
