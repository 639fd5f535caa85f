//! The syntax the formatter lays out: the part of Rust the templates write. What never needs a
//! line break of its own (paths, patterns, most types) is kept as text with its spacing made
//! canonical.

/// Text of the source, borrowed where it is already written as it is printed (one line,
/// single spaces), else made.
pub type Str<'a> = std::borrow::Cow<'a, str>;

use super::lex::Token;

/// The comment lines and blank lines before an entry of a list (items, statements, fields), or
/// after its last: the comment tokens, read where they were lexed (no list is made for them).
/// Each comment follows a blank line if its token has two line breaks before it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Trivia<'a> {
    /// The comments, one after another (`//` lines, or `/* */`).
    pub comments: &'a [Token<'a>],
    /// Whether a blank line follows the last comment (or, with none, precedes the entry).
    pub blank_after: bool,
}

impl Trivia<'_> {
    /// Neither a comment nor a blank line.
    pub fn is_empty(&self) -> bool {
        self.comments.is_empty() && !self.blank_after
    }
}

#[derive(Debug)]
pub struct Item<'a> {
    pub trivia: Trivia<'a>,
    pub attrs: Vec<Attr<'a>>,
    pub kind: ItemKind<'a>,
    /// The item as written, after its attributes.
    pub src: &'a str,
    /// A `// comment` after the item on its last line.
    pub trailing: Option<&'a str>,
}

#[derive(Debug)]
pub struct Attr<'a> {
    /// `#` or `#!`.
    pub bang: bool,
    /// The path (`allow`, `doc`, `repr`).
    pub path: Str<'a>,
    pub args: AttrArgs<'a>,
}

#[derive(Debug)]
pub enum AttrArgs<'a> {
    None,
    /// `(a, b(c), d = "e")`: each entry as text.
    List(Vec<Str<'a>>),
    /// `= value`.
    Eq(Str<'a>),
}

#[derive(Debug)]
pub enum ItemKind<'a> {
    Fn(FnItem<'a>),
    Struct {
        head: Str<'a>,
        body: StructBody<'a>,
    },
    Enum {
        head: Str<'a>,
        variants: Vec<Variant<'a>>,
    },
    /// `impl`, `trait` and `mod` blocks: the text before `{` and the items inside.
    Block {
        head: Str<'a>,
        items: Vec<Item<'a>>,
        inner_trivia: Trivia<'a>,
    },
    Const {
        head: Str<'a>,
        ty: Type<'a>,
        value: Option<Expr<'a>>,
    },
    TypeAlias {
        head: Str<'a>,
        ty: Type<'a>,
    },
    /// `use …;`, `mod x;`, `struct X;` and the like: one line.
    Line(Str<'a>),
    /// `path!(…);` at item level.
    MacroCall(Expr<'a>),
    /// `macro_rules!` and anything else kept as written.
    Verbatim(&'a str),
}

#[derive(Debug)]
pub struct FnItem<'a> {
    /// `pub const unsafe extern "system" fn`.
    pub head: Str<'a>,
    pub name: Str<'a>,
    pub generics: Vec<Str<'a>>,
    pub params: Vec<Str<'a>>,
    pub ret: Option<Type<'a>>,
    pub where_clause: Vec<Str<'a>>,
    pub body: Option<Block<'a>>,
}

#[derive(Debug)]
pub enum StructBody<'a> {
    Tuple(Vec<Str<'a>>),
    Named(Vec<FieldDef<'a>>),
}

#[derive(Debug)]
pub struct FieldDef<'a> {
    pub trivia: Trivia<'a>,
    pub attrs: Vec<Attr<'a>>,
    /// `pub name`.
    pub name: Str<'a>,
    pub ty: Type<'a>,
}

#[derive(Debug)]
pub struct Variant<'a> {
    pub trivia: Trivia<'a>,
    pub attrs: Vec<Attr<'a>>,
    pub name: Str<'a>,
    pub value: Option<Expr<'a>>,
}

#[derive(Debug, Clone)]
pub enum Type<'a> {
    Text(Str<'a>),
    /// `unsafe extern "system" fn(a: A, b: B) -> R` (boxed: a type is in many nodes, and
    /// most are text).
    Fn(Box<FnType<'a>>),
}

#[derive(Debug, Clone)]
pub struct FnType<'a> {
    pub head: Str<'a>,
    pub params: Vec<(Option<Str<'a>>, Type<'a>)>,
    pub variadic: bool,
    pub ret: Option<Type<'a>>,
}

#[derive(Debug)]
pub struct Block<'a> {
    pub stmts: Vec<Stmt<'a>>,
    /// Comments after the last statement.
    pub trailing: Trivia<'a>,
}

#[derive(Debug)]
pub struct Stmt<'a> {
    pub trivia: Trivia<'a>,
    pub kind: StmtKind<'a>,
    /// The statement as written (what rustfmt keeps when nothing fits).
    pub src: &'a str,
}

#[derive(Debug)]
pub enum StmtKind<'a> {
    Let {
        pat: Str<'a>,
        ty: Option<Type<'a>>,
        init: Option<Expr<'a>>,
        else_block: Option<Block<'a>>,
    },
    Expr(Expr<'a>, bool),
    Item(Box<Item<'a>>),
}

#[derive(Debug)]
pub enum Expr<'a> {
    Text(Str<'a>),
    Unary(&'static str, Operand<'a>),
    Try(Box<Expr<'a>>),
    Cast(Operand<'a>, Type<'a>),
    Binary(Operand<'a>, &'a str, Operand<'a>),
    Assign(Box<Expr<'a>>, &'a str, Box<Expr<'a>>),
    Call(Operand<'a>, Vec<Expr<'a>>),
    /// Receiver, `.name::<T>`, arguments.
    MethodCall(Operand<'a>, Str<'a>, Vec<Expr<'a>>),
    Field(Operand<'a>, Str<'a>),
    Index(Box<Expr<'a>>, Box<Expr<'a>>),
    /// `path!` and its arguments: expressions when they parse as a comma list, else text.
    Macro(Str<'a>, char, MacroArgs<'a>),
    Paren(Box<Expr<'a>>),
    Tuple(Vec<Expr<'a>>),
    Array(Vec<Expr<'a>>),
    Repeat(Box<Expr<'a>>, Box<Expr<'a>>),
    Struct(Str<'a>, Vec<FieldInit<'a>>, Option<Box<Expr<'a>>>),
    /// `unsafe`, `const` or nothing, and the block.
    Block(&'static str, Block<'a>),
    /// `if` branches (condition, block) and the final `else`.
    If(Vec<(Cond<'a>, Block<'a>)>, Option<Box<Block<'a>>>),
    Match(Box<Expr<'a>>, Vec<Arm<'a>>),
    /// `move |a, b|`, the return type, the body.
    /// (The return type is boxed: it is rare, and a `Type` in place would make every
    /// expression larger, which is moved and allocated per node.)
    Closure(Str<'a>, Option<Box<Type<'a>>>, Box<Expr<'a>>),
    /// `return`, `break`: the keyword and its value.
    Jump(&'static str, Option<Box<Expr<'a>>>),
    Range(Option<Box<Expr<'a>>>, &'a str, Option<Box<Expr<'a>>>),
    /// Comment lines before an argument.
    Commented(Vec<&'a str>, Box<Expr<'a>>),
}

/// A call's callee, a method's or field's receiver, a cast's, a unary or a binary operator's
/// operand: most often a path, kept in place (not
/// boxed as an expression of its own: a box per node, allocated and freed). A path is written
/// as [`Expr::Text`] is.
#[derive(Debug)]
pub enum Operand<'a> {
    Path(Str<'a>),
    Expr(Box<Expr<'a>>),
}

impl<'a> Operand<'a> {
    /// `e` in place if it is a path, else boxed.
    pub fn of(e: Expr<'a>) -> Operand<'a> {
        match e {
            Expr::Text(path) => Operand::Path(path),
            other => Operand::Expr(Box::new(other)),
        }
    }

    /// The operand when it is not a path.
    pub fn expr(&self) -> Option<&Expr<'a>> {
        match self {
            Operand::Path(_) => None,
            Operand::Expr(x) => Some(x),
        }
    }
}

#[derive(Debug)]
pub enum MacroArgs<'a> {
    Exprs(Vec<Expr<'a>>),
    Text(Str<'a>),
}

#[derive(Debug)]
pub enum Cond<'a> {
    Expr(Expr<'a>),
    Let(Str<'a>, Expr<'a>),
}

#[derive(Debug)]
pub struct FieldInit<'a> {
    pub trivia: Trivia<'a>,
    pub name: Str<'a>,
    pub value: Option<Expr<'a>>,
}

#[derive(Debug)]
pub struct Arm<'a> {
    pub trivia: Trivia<'a>,
    pub pat: Str<'a>,
    pub guard: Option<Expr<'a>>,
    pub body: Expr<'a>,
}
