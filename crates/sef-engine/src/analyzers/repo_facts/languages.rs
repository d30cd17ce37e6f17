//! Language detection by file name and extension.

/// The language of a file, or `None` when it is not source code or text
/// that sef counts as a language.
pub fn language_of(file_name: &str) -> Option<&'static str> {
    match file_name {
        "Dockerfile" | "Containerfile" => return Some("Dockerfile"),
        "Makefile" | "GNUmakefile" | "makefile" => return Some("Makefile"),
        "CMakeLists.txt" => return Some("CMake"),
        "Jenkinsfile" => return Some("Groovy"),
        "Gemfile" | "Rakefile" => return Some("Ruby"),
        _ => {}
    }
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "rs" => "Rust",
        "go" => "Go",
        "c" | "h" => "C",
        "cc" | "cpp" | "cxx" | "hpp" | "hh" | "hxx" => "C++",
        "cs" => "C#",
        "java" => "Java",
        "kt" | "kts" => "Kotlin",
        "scala" | "sc" => "Scala",
        "groovy" | "gradle" => "Groovy",
        "js" | "mjs" | "cjs" | "jsx" => "JavaScript",
        "ts" | "mts" | "cts" | "tsx" => "TypeScript",
        "py" | "pyi" => "Python",
        "rb" => "Ruby",
        "php" => "PHP",
        "swift" => "Swift",
        "m" | "mm" => "Objective-C",
        "dart" => "Dart",
        "ex" | "exs" => "Elixir",
        "erl" | "hrl" => "Erlang",
        "hs" => "Haskell",
        "ml" | "mli" => "OCaml",
        "fs" | "fsx" => "F#",
        "clj" | "cljs" | "cljc" => "Clojure",
        "lua" => "Lua",
        "pl" | "pm" => "Perl",
        "r" => "R",
        "jl" => "Julia",
        "zig" => "Zig",
        "nim" => "Nim",
        "sh" | "bash" | "zsh" => "Shell",
        "ps1" | "psm1" => "PowerShell",
        "sql" => "SQL",
        "html" | "htm" => "HTML",
        "css" | "scss" | "sass" | "less" => "CSS",
        "vue" => "Vue",
        "svelte" => "Svelte",
        "proto" => "Protocol Buffers",
        "tf" | "hcl" => "HCL",
        "yml" | "yaml" => "YAML",
        "toml" => "TOML",
        "json" | "jsonc" | "json5" => "JSON",
        "xml" | "xsd" | "xsl" => "XML",
        "md" | "markdown" => "Markdown",
        "rst" => "reStructuredText",
        "adoc" => "AsciiDoc",
        "tex" => "TeX",
        "cmake" => "CMake",
        "nix" => "Nix",
        "sol" => "Solidity",
        "asm" | "s" => "Assembly",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::language_of;

    #[test]
    fn detects_by_extension_and_name() {
        assert_eq!(language_of("main.rs"), Some("Rust"));
        assert_eq!(language_of("App.TSX"), Some("TypeScript"));
        assert_eq!(language_of("Dockerfile"), Some("Dockerfile"));
        assert_eq!(language_of("README"), None);
        assert_eq!(language_of("image.png"), None);
    }
}
