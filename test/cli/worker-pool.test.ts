/**
 * How the lint pool hands out files: each process its own run of consecutive files (a package's
 * files, and so the modules they import, stay in one process), then the ends of the others' runs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contiguousShares, takeJob } from '../../server/src/host/worker-pool';

describe('lint pool shares', () => {
  it('cuts the jobs into consecutive runs that cover each job once', () => {
    for (const [jobs, count] of [[771, 2], [10, 3], [2, 2], [5, 1]]) {
      const shares = contiguousShares(jobs, count);
      assert.equal(shares.length, count);
      assert.equal(shares[0].next, 0);
      assert.equal(shares[count - 1].end, jobs);
      for (let i = 1; i < count; i++) assert.equal(shares[i].next, shares[i - 1].end);
    }
  });

  it('takes its own jobs in order, then the last jobs of the share with most left, each job once', () => {
    const shares = contiguousShares(10, 2);
    const [a, b] = shares;
    assert.deepEqual([takeJob(a, shares), takeJob(a, shares), takeJob(b, shares)], [0, 1, 5]);
    // a finishes its share while b is slow: a then takes b's jobs from the end.
    const taken = [0, 1, 5];
    for (let j = takeJob(a, shares); j !== undefined; j = takeJob(a, shares)) taken.push(j);
    assert.deepEqual(taken, [0, 1, 5, 2, 3, 4, 9, 8, 7, 6]);
    assert.equal(takeJob(b, shares), undefined);
    assert.deepEqual([...taken].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
