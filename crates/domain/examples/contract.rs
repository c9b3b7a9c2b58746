//! Prints `npm/src/contract.ts`, the TypeScript side of the contract between the Rust crates
//! and the shell (`cxkit_domain::contract`). `make gen` writes it; `make test` compares.

fn main() {
    print!("{}", cxkit_domain::contract::typescript());
}
