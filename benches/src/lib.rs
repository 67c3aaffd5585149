//! Shared pieces of the benchmarks in `benches/benches/`: the raw floor client
//! each SDK benchmark runs beside ([`floor`]), the clock that measures client
//! CPU only ([`clock`]), and the set-up of runtimes, mock server and clients
//! ([`setup`]).
//!
//! The mock server runs in the same process, on its own runtime whose threads
//! are named [`setup::SERVER_THREAD`]; the code under test runs on a runtime
//! whose threads are named [`setup::CLIENT_THREAD`]. [`clock::Clock::Cpu`]
//! sums the CPU time of the client threads only, so the server's work is left
//! out of the figures (the kernel's loopback work done inside the client's
//! system calls stays in, for the SDK and the floor alike).

pub mod clock;
pub mod floor;
pub mod setup;
