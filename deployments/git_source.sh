#!/bin/sh
# Where the workers get descgen's code from, worked out at `prefect deploy` time
# (the build steps in prefect.yaml):
#
#   sh deployments/git_source.sh repository      the URL the workers clone:
#                                                $DESCGEN_REPOSITORY_URL, else this clone's origin
#   sh deployments/git_source.sh commit URL      the commit they check out: HEAD, provided it
#                                                can be fetched from URL (pushed), else an error
#
# Checking at deploy time turns "every run fails at 2 am: reference is not a tree" into
# a deploy that stops and says why.
set -eu

case "${1:-}" in
repository)
    url="${DESCGEN_REPOSITORY_URL:-$(git remote get-url origin 2>/dev/null || true)}"
    if [ -z "$url" ]; then
        echo "no git remote 'origin': set DESCGEN_REPOSITORY_URL to the URL the workers clone from" >&2
        exit 1
    fi
    echo "$url"
    ;;
commit)
    url="$2"
    commit="$(git rev-parse HEAD)"
    probe="$(mktemp -d)"
    trap 'rm -rf "$probe"' EXIT
    git init --quiet "$probe"
    # Into an empty repository, so nothing local can stand in for what the URL lacks;
    # only the commit object is asked for where the server filters (GitHub, GitLab do).
    if ! git -C "$probe" fetch --quiet --depth=1 --filter=tree:0 "$url" "$commit" 2>/dev/null; then
        echo "commit $commit cannot be fetched from $url: push it first, the workers clone it from there" >&2
        exit 1
    fi
    if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
        echo "note: uncommitted changes are not deployed; the workers run $commit" >&2
    fi
    echo "$commit"
    ;;
*)
    echo "usage: $0 repository | commit URL" >&2
    exit 2
    ;;
esac
