//! placeholder: the capi binding is being written
