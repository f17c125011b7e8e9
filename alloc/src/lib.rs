//! compose2kube's global allocator: mimalloc.
//!
//! The `mimalloc` crate hands every request to mimalloc's aligned functions, which take three
//! calls and an alignment check before the block: 48 instructions an allocation, 16.6 M of a
//! conversion of 1,100 services (docs/decisions.md, "Speed"). A request whose alignment
//! mimalloc's plain functions already give goes to them instead, as the standard library's
//! `System` does with `malloc`; any other goes to the aligned ones.
//!
//! This is the only `unsafe` of compose2kube (the main crate forbids it): a few calls into C.

#![no_std]

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;

use libmimalloc_sys as ffi;

/// The alignment of every block of mimalloc's plain functions at least this large
/// (`MI_MAX_ALIGN_SIZE`): blocks of more than 8 bytes come in multiples of 16 from
/// 16-aligned pages, and a block of at most 8 bytes is 8-aligned — so a request no more
/// aligned than its size, nor than this, is aligned.
const PLAIN_ALIGN: usize = 16;

/// Whether mimalloc's plain functions return blocks of `size` aligned to `align`.
#[inline]
fn plain(align: usize, size: usize) -> bool {
    align <= PLAIN_ALIGN && align <= size
}

/// A new block from mimalloc's plain function when that aligns it ([`plain`]), else from
/// its aligned one.
///
/// # Safety
/// `plain_fn` and `aligned_fn` are a pair of mimalloc's functions (`mi_malloc` and
/// `mi_malloc_aligned`, or the zeroing pair).
#[inline]
unsafe fn block(
    layout: Layout,
    plain_fn: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned_fn: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    if plain(layout.align(), layout.size()) {
        // SAFETY: any size may be asked for.
        unsafe { plain_fn(layout.size()) }.cast()
    } else {
        // SAFETY: a `Layout`'s alignment is a power of two.
        unsafe { aligned_fn(layout.size(), layout.align()) }.cast()
    }
}

/// mimalloc as the global allocator: `#[global_allocator] static A: Mimalloc = Mimalloc;`.
pub struct Mimalloc;

// SAFETY: mimalloc returns blocks of at least the size asked for, aligned as `plain` says or as
// asked of its aligned functions, or null; `mi_free` and `mi_realloc*` take any block it
// returned.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the allocating pair.
        unsafe { block(layout, ffi::mi_malloc, ffi::mi_malloc_aligned) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the zeroing pair.
        unsafe { block(layout, ffi::mi_zalloc, ffi::mi_zalloc_aligned) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: the caller passes a block this allocator returned.
        unsafe { ffi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if plain(layout.align(), new_size) {
            // SAFETY: the caller passes a block this allocator returned.
            unsafe { ffi::mi_realloc(ptr.cast::<c_void>(), new_size) }.cast()
        } else {
            // SAFETY: as above, and a `Layout`'s alignment is a power of two.
            unsafe { ffi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()) }
                .cast()
        }
    }
}
