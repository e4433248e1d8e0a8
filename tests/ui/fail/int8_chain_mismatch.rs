// An int8 network is shape-checked like a float one: 8 outputs cannot feed 6 inputs.
use constnet::Int8Module;
use constnet::{Int8Linear, Int8ReLU};

fn run(net: &(Int8Linear<4, 8>, Int8ReLU, Int8Linear<6, 2>)) -> [i8; 2] {
    Int8Module::forward(net, &[0i8; 4])
}

fn main() {
    let _ = run;
}
