//! `sef init`: write a commented sef.toml.

use crate::cli::{InitArgs, KindArg};
use crate::output::write_atomically;
use anyhow::{Context, Result, bail};
use sef_model::OfferingKind;
use sef_plan::{PLAN_FILE, Plan, template};

pub fn run(a: &InitArgs) -> Result<u8> {
    let root = a
        .path
        .canonicalize()
        .with_context(|| format!("{}: no such directory", a.path.display()))?;
    if !root.is_dir() {
        bail!("{}: not a directory", root.display());
    }
    let path = root.join(PLAN_FILE);
    if path.exists() && !a.force {
        bail!(
            "{}: already exists; edit it, or pass --force to overwrite it",
            path.display()
        );
    }
    let name = match &a.name {
        Some(n) => n.clone(),
        None => Plan::defaults_for(&root).offering.name,
    };
    let kind = match a.kind {
        KindArg::Product => OfferingKind::Product,
        KindArg::Component => OfferingKind::Component,
        KindArg::Service => OfferingKind::Service,
        KindArg::Library => OfferingKind::Library,
        KindArg::Application => OfferingKind::Application,
    };
    let text = template(&name, kind);
    // Validate before writing: the name must pass the same checks as a
    // hand-written plan.
    Plan::parse(&path, &text).map_err(|e| anyhow::anyhow!("invalid --name: {e}"))?;
    write_atomically(&path, text.as_bytes())?;
    println!("wrote {}", path.display());
    println!("next: edit it, then run `sef assess {}`", a.path.display());
    Ok(crate::EXIT_PASS)
}
