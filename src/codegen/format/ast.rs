//! The syntax the formatter lays out: the part of Rust the templates write. What never needs a
//! line break of its own (paths, patterns, most types) is kept as text with its spacing made
//! canonical.

/// A comment line or a blank line between two entries of a list (items, statements, fields).
#[derive(Debug, Clone)]
pub enum Trivia<'a> {
    Comment(&'a str),
    Blank,
}

#[derive(Debug)]
pub struct Item<'a> {
    pub trivia: Vec<Trivia<'a>>,
    pub attrs: Vec<Attr>,
    pub kind: ItemKind<'a>,
    /// The item as written, after its attributes.
    pub src: &'a str,
    /// A `// comment` after the item on its last line.
    pub trailing: Option<&'a str>,
}

#[derive(Debug)]
pub struct Attr {
    /// `#` or `#!`.
    pub bang: bool,
    /// The path (`allow`, `doc`, `repr`).
    pub path: String,
    pub args: AttrArgs,
}

#[derive(Debug)]
pub enum AttrArgs {
    None,
    /// `(a, b(c), d = "e")`: each entry as text.
    List(Vec<String>),
    /// `= value`.
    Eq(String),
}

#[derive(Debug)]
pub enum ItemKind<'a> {
    Fn(FnItem<'a>),
    Struct {
        head: String,
        body: StructBody<'a>,
    },
    Enum {
        head: String,
        variants: Vec<Variant<'a>>,
    },
    /// `impl`, `trait` and `mod` blocks: the text before `{` and the items inside.
    Block {
        head: String,
        items: Vec<Item<'a>>,
        inner_trivia: Vec<Trivia<'a>>,
    },
    Const {
        head: String,
        ty: Type,
        value: Option<Expr<'a>>,
    },
    TypeAlias {
        head: String,
        ty: Type,
    },
    /// `use …;`, `mod x;`, `struct X;` and the like: one line.
    Line(String),
    /// `path!(…);` at item level.
    MacroCall(Expr<'a>),
    /// `macro_rules!` and anything else kept as written.
    Verbatim(&'a str),
}

#[derive(Debug)]
pub struct FnItem<'a> {
    /// `pub const unsafe extern "system" fn`.
    pub head: String,
    pub name: String,
    pub generics: Vec<String>,
    pub params: Vec<String>,
    pub ret: Option<Type>,
    pub where_clause: Vec<String>,
    pub body: Option<Block<'a>>,
}

#[derive(Debug)]
pub enum StructBody<'a> {
    Tuple(Vec<String>),
    Named(Vec<FieldDef<'a>>),
}

#[derive(Debug)]
pub struct FieldDef<'a> {
    pub trivia: Vec<Trivia<'a>>,
    pub attrs: Vec<Attr>,
    /// `pub name`.
    pub name: String,
    pub ty: Type,
}

#[derive(Debug)]
pub struct Variant<'a> {
    pub trivia: Vec<Trivia<'a>>,
    pub attrs: Vec<Attr>,
    pub name: String,
    pub value: Option<Expr<'a>>,
}

#[derive(Debug, Clone)]
pub enum Type {
    Text(String),
    /// `unsafe extern "system" fn(a: A, b: B) -> R`.
    Fn {
        head: String,
        params: Vec<(Option<String>, Type)>,
        variadic: bool,
        ret: Option<Box<Type>>,
    },
}

#[derive(Debug)]
pub struct Block<'a> {
    pub stmts: Vec<Stmt<'a>>,
    /// Comments after the last statement.
    pub trailing: Vec<Trivia<'a>>,
}

#[derive(Debug)]
pub struct Stmt<'a> {
    pub trivia: Vec<Trivia<'a>>,
    pub kind: StmtKind<'a>,
    /// The statement as written (what rustfmt keeps when nothing fits).
    pub src: &'a str,
}

#[derive(Debug)]
pub enum StmtKind<'a> {
    Let {
        pat: String,
        ty: Option<Type>,
        init: Option<Expr<'a>>,
        else_block: Option<Block<'a>>,
    },
    Expr(Expr<'a>, bool),
    Item(Box<Item<'a>>),
}

#[derive(Debug)]
pub enum Expr<'a> {
    Text(String),
    Unary(&'static str, Box<Expr<'a>>),
    Try(Box<Expr<'a>>),
    Cast(Box<Expr<'a>>, Type),
    Binary(Box<Expr<'a>>, &'a str, Box<Expr<'a>>),
    Assign(Box<Expr<'a>>, &'a str, Box<Expr<'a>>),
    Call(Box<Expr<'a>>, Vec<Expr<'a>>),
    /// Receiver, `.name::<T>`, arguments.
    MethodCall(Box<Expr<'a>>, String, Vec<Expr<'a>>),
    Field(Box<Expr<'a>>, String),
    Index(Box<Expr<'a>>, Box<Expr<'a>>),
    /// `path!` and its arguments: expressions when they parse as a comma list, else text.
    Macro(String, char, MacroArgs<'a>),
    Paren(Box<Expr<'a>>),
    Tuple(Vec<Expr<'a>>),
    Array(Vec<Expr<'a>>),
    Repeat(Box<Expr<'a>>, Box<Expr<'a>>),
    Struct(String, Vec<FieldInit<'a>>, Option<Box<Expr<'a>>>),
    /// `unsafe`, `const` or nothing, and the block.
    Block(&'static str, Block<'a>),
    /// `if` branches (condition, block) and the final `else`.
    If(Vec<(Cond<'a>, Block<'a>)>, Option<Block<'a>>),
    Match(Box<Expr<'a>>, Vec<Arm<'a>>),
    /// `move |a, b|`, the return type, the body.
    Closure(String, Option<Type>, Box<Expr<'a>>),
    /// `return`, `break`: the keyword and its value.
    Jump(&'static str, Option<Box<Expr<'a>>>),
    Range(Option<Box<Expr<'a>>>, &'a str, Option<Box<Expr<'a>>>),
    /// Comment lines before an argument.
    Commented(Vec<&'a str>, Box<Expr<'a>>),
}

#[derive(Debug)]
pub enum MacroArgs<'a> {
    Exprs(Vec<Expr<'a>>),
    Text(String),
}

#[derive(Debug)]
pub enum Cond<'a> {
    Expr(Expr<'a>),
    Let(String, Expr<'a>),
}

#[derive(Debug)]
pub struct FieldInit<'a> {
    pub trivia: Vec<Trivia<'a>>,
    pub name: String,
    pub value: Option<Expr<'a>>,
}

#[derive(Debug)]
pub struct Arm<'a> {
    pub trivia: Vec<Trivia<'a>>,
    pub pat: String,
    pub guard: Option<Expr<'a>>,
    pub body: Expr<'a>,
}
