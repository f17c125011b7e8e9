//! Every block is as aligned and as large as asked, through allocation, zeroed allocation and
//! reallocation, for every alignment up to a page and sizes around each size class.

use std::alloc::{GlobalAlloc, Layout};

use compose2kube_alloc::Mimalloc;

#[global_allocator]
static ALLOCATOR: Mimalloc = Mimalloc;

const SIZES: [usize; 22] = [
    1,
    2,
    3,
    7,
    8,
    9,
    12,
    15,
    16,
    17,
    24,
    31,
    33,
    48,
    63,
    65,
    100,
    1000,
    1024,
    4097,
    70_000,
    1 << 21,
];

fn aligned(ptr: *mut u8, align: usize) -> bool {
    !ptr.is_null() && (ptr as usize).is_multiple_of(align)
}

#[test]
fn blocks_are_aligned_and_keep_their_bytes() {
    for shift in 0..=12 {
        let align = 1 << shift;
        for &size in &SIZES {
            let layout = Layout::from_size_align(size, align).unwrap();
            // Many at once, so that a block is not always the first of its page.
            let blocks: Vec<*mut u8> = (0..7)
                .map(|i| {
                    // SAFETY: the layout has a non-zero size.
                    let ptr = unsafe {
                        if i % 2 == 0 {
                            ALLOCATOR.alloc(layout)
                        } else {
                            ALLOCATOR.alloc_zeroed(layout)
                        }
                    };
                    assert!(
                        aligned(ptr, align),
                        "{size} bytes aligned to {align}: {ptr:p}"
                    );
                    if i % 2 == 1 {
                        // SAFETY: the block has `size` bytes.
                        let bytes = unsafe { std::slice::from_raw_parts(ptr, size) };
                        assert!(bytes.iter().all(|&b| b == 0), "zeroed {size}/{align}");
                    }
                    // SAFETY: as above.
                    unsafe { std::ptr::write_bytes(ptr, 0xA5, size) };
                    ptr
                })
                .collect();
            for (i, ptr) in blocks.into_iter().enumerate() {
                let new_size = if i % 2 == 0 {
                    size / 2 + 1
                } else {
                    size * 3 + 5
                };
                // SAFETY: the block came from `alloc` with `layout`; the new size is not 0.
                let moved = unsafe { ALLOCATOR.realloc(ptr, layout, new_size) };
                assert!(
                    aligned(moved, align),
                    "realloc {size} -> {new_size} aligned to {align}"
                );
                let kept = size.min(new_size);
                // SAFETY: the block has at least `kept` bytes.
                let bytes = unsafe { std::slice::from_raw_parts(moved, kept) };
                assert!(
                    bytes.iter().all(|&b| b == 0xA5),
                    "realloc {size} -> {new_size} kept the bytes"
                );
                let layout = Layout::from_size_align(new_size, align).unwrap();
                // SAFETY: the block came from `realloc` with this size and alignment.
                unsafe { ALLOCATOR.dealloc(moved, layout) };
            }
        }
    }
}
