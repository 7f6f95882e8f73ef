// `npm run pack:check`: build, pack into a temp dir, check the file list, publint, attw.
import { rmSync } from 'node:fs';
import { build, checkContents, lintTarball, main, pack, tempDir } from './packaging.js';

main(async () => {
  await build();
  const workDir = tempDir('zumrails-pack');
  try {
    const report = await pack(workDir);
    checkContents(report);
    await lintTarball(report.tarball);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
});
