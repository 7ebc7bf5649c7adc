//! What the help panel (the widget's wasm, in the landlord's page) and the call-back form (its
//! own wasm, in a frame from the endpoint's origin) both need: building DOM from text, the
//! language catalogues, contact lists, and an allocator that zeroes what it frees.
//!
//! Each of the two is its own wasm module, so sharing this crate shares source, not memory:
//! nothing the form holds is ever in the page's wasm.

pub mod contact;
pub mod dom;
pub mod language;
pub mod text;

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator, but every block is zeroed as it is freed. Answers dropped on close,
/// exit or send then do not linger in the wasm memory. Each wasm crate declares it as its
/// `#[global_allocator]`.
pub struct ZeroOnFree;

// SAFETY: each call is passed straight to `System` with the caller's own arguments; `dealloc`
// first writes zeros over the `layout.size()` bytes the caller owns and is handing back.
unsafe impl GlobalAlloc for ZeroOnFree {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe {
            ptr.write_bytes(0, layout.size());
            System.dealloc(ptr, layout)
        }
    }
}
