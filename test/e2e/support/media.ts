import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A still QR image as a looping fake-camera video (y4m, ~15 MB: made in a temporary folder,
 * never committed), as TOOLCHAIN.md describes.
 */
export async function qrVideo(png: Buffer, dir: string, name: string): Promise<string> {
  const input = join(dir, `${name}.png`);
  const output = join(dir, `${name}.y4m`);
  await writeFile(input, png);
  await run("ffmpeg", [
    "-y",
    "-loglevel",
    "error",
    "-loop",
    "1",
    "-i",
    input,
    "-t",
    "2",
    "-r",
    "10",
    "-pix_fmt",
    "yuv420p",
    "-vf",
    "scale=640:640:flags=neighbor,pad=720:720:40:40:white",
    output,
  ]);
  return output;
}

/** The QR code as a phone photo would show it: smaller, off-centre, on a large grey JPEG. */
export async function qrPhoto(png: Buffer, dir: string, name: string): Promise<string> {
  const input = join(dir, `${name}-source.png`);
  const output = join(dir, `${name}.jpg`);
  await writeFile(input, png);
  await run("ffmpeg", [
    "-y",
    "-loglevel",
    "error",
    "-i",
    input,
    "-vf",
    "scale=520:520:flags=neighbor,pad=1600:1200:610:280:0xd8d4cc",
    "-q:v",
    "4",
    output,
  ]);
  return output;
}
