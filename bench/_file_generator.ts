// Opens, writes and closes distinct files in a tight loop for the given
// seconds, then prints how many files it handled.
const [dir, seconds] = Deno.args;
const until = performance.now() + Number(seconds) * 1000;
let count = 0;
while (performance.now() < until) {
  for (let i = 0; i < 100; i++) {
    const file = Deno.openSync(`${dir}/f${count}`, { write: true, create: true });
    file.close();
    count++;
  }
}
console.log(count);
