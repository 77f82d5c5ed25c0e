// Drives tuf-js (pinned in package-lock.json) against a repository published by Tuf.Signing.
// usage: node download.mjs <root.json> <metadataUrl> <targetsUrl> <cacheDir> <targetPath>
// Prints the sha256 (lowercase hex) of the downloaded, verified target on stdout; exits 1 on any error.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Updater } from 'tuf-js';

async function main(argv) {
  if (argv.length !== 5) {
    console.error('usage: node download.mjs <root.json> <metadataUrl> <targetsUrl> <cacheDir> <targetPath>');
    return 2;
  }
  const [rootPath, metadataUrl, targetsUrl, cacheDir, targetPath] = argv;
  const metadataDir = path.join(cacheDir, 'metadata');
  const targetDir = path.join(cacheDir, 'targets');
  mkdirSync(metadataDir, { recursive: true });
  mkdirSync(targetDir, { recursive: true });
  copyFileSync(rootPath, path.join(metadataDir, 'root.json'));

  const updater = new Updater({ metadataDir, metadataBaseUrl: metadataUrl, targetDir, targetBaseUrl: targetsUrl });
  await updater.refresh();
  const info = await updater.getTargetInfo(targetPath);
  if (!info) {
    console.error(`target not found: ${targetPath}`);
    return 1;
  }
  const local = await updater.downloadTarget(info, path.join(targetDir, createHash('sha256').update(targetPath).digest('hex')));
  console.log(createHash('sha256').update(readFileSync(local)).digest('hex'));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`tuf-js error: ${err?.name ?? 'Error'}: ${err?.message ?? err}`);
    process.exit(1);
  });
