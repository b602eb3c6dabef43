#!/bin/sh
# Offline installer of supervise-tui @VERSION@ for @TARGET@ (CPython @PYTHONS@). Needs no network
# and no administrator rights. Re-running it upgrades the install in place; the database and the
# settings live elsewhere (the user data folder) and are never touched.
#
#   sh install.sh [--prefix DIR] [--bin-dir DIR] [--python PYTHON] [--lang zh|en] [--yes]
set -eu

VERSION='@VERSION@'
TARGET='@TARGET@'
PYTHONS='@PYTHONS@'
BUNDLE='@BUNDLE@'
START_DIR=$(pwd)
HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)

L=${SUPERVISE_TUI_LANG:-zh}
LANG_OPT=""
PREFIX=""
BIN_DIR=""
PYTHON=""
ASK=1

say() { if [ "$L" = en ]; then printf '%s\n' "$2"; else printf '%s\n' "$1"; fi; }
die() { say "$1" "$2" >&2; exit "${3:-1}"; }
value() { [ $# -ge 2 ] && [ -n "$2" ] || die "选项 $1 需要一个值" "option $1 needs a value" 2; }

usage() {
    say "用法:sh install.sh [--prefix 文件夹] [--bin-dir 文件夹] [--python PYTHON] [--lang zh|en] [--yes]
  --prefix    安装文件夹(默认 ~/.local/share/supervise-tui-app)
  --bin-dir   放启动命令 supervise-tui 的文件夹(默认 ~/.local/bin)
  --python    使用哪个 Python(默认依次尝试 python3、python3.13、python3.12、python3.11)
  --yes       不提问,全部用默认值" \
        "usage: sh install.sh [--prefix DIR] [--bin-dir DIR] [--python PYTHON] [--lang zh|en] [--yes]
  --prefix    the install folder (default ~/.local/share/supervise-tui-app)
  --bin-dir   the folder for the supervise-tui command (default ~/.local/bin)
  --python    the Python to use (default: the first of python3, python3.13, python3.12, python3.11)
  --yes       ask nothing, take the defaults"
}

while [ $# -gt 0 ]; do
    case $1 in
        --prefix) value "$@"; PREFIX=$2; shift 2 ;;
        --bin-dir) value "$@"; BIN_DIR=$2; shift 2 ;;
        --python) value "$@"; PYTHON=$2; shift 2 ;;
        --lang) value "$@"; L=$2; LANG_OPT="--lang $2"; shift 2 ;;
        --yes|-y) ASK=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "未知选项:$1(见 --help)" "unknown option: $1 (see --help)" 2 ;;
    esac
done
case $L in en*) L=en ;; *) L=zh ;; esac
case $LANG_OPT in "--lang en"*) LANG_OPT="--lang en" ;; "") ;; *) LANG_OPT="--lang zh" ;; esac

say "supervise-tui $VERSION 离线安装($TARGET)" "supervise-tui $VERSION offline install ($TARGET)"
cd "$HERE"

# 1. Every file as it was made: a bundle damaged on the way is refused before anything is written.
[ -f SHA256SUMS ] || die "缺少 SHA256SUMS:安装包不完整,请重新复制整个压缩包" \
    "SHA256SUMS is missing: the bundle is incomplete, copy the whole zip again"
verify_with_python() {
    "$1" -B -c '
import hashlib, sys
for line in open("SHA256SUMS", encoding="utf-8"):
    digest, name = line.rstrip("\n").split("  ", 1)
    try:
        with open(name, "rb") as f:
            ok = hashlib.sha256(f.read()).hexdigest() == digest
    except OSError:
        ok = False
    if not ok:
        print(name)
        sys.exit(1)
'
}
checked=0
if command -v sha256sum >/dev/null 2>&1; then
    if ! report=$(sha256sum -c SHA256SUMS 2>/dev/null); then
        bad=$(printf '%s\n' "$report" | grep -v ': OK$' | head -n 1 | sed 's/: [^:]*$//')
        die "校验失败:$bad 与 SHA256SUMS 不符,安装包已损坏,请重新复制整个压缩包" \
            "Checksum mismatch: $bad differs from SHA256SUMS; the bundle is damaged, copy the whole zip again"
    fi
    checked=1
fi
for f in wheels/*; do
    cut -c67- SHA256SUMS | grep -qxF "$f" || die "$f 不在 SHA256SUMS 中:安装包被改动过,请重新复制整个压缩包" \
        "$f is not listed in SHA256SUMS: the bundle was altered, copy the whole zip again"
done

# 2. A CPython this bundle serves.
PY=""
FIRST=""
try_python() {
    p=$(command -v -- "$1" 2>/dev/null) || return 1
    [ -n "$FIRST" ] || FIRST=$p
    v=$("$p" -c 'import sys; print("%s %d.%d" % (sys.implementation.name, sys.version_info[0], sys.version_info[1]))' \
        2>/dev/null) || return 1
    [ "${v%% *}" = cpython ] || return 1
    case " $PYTHONS " in *" ${v#cpython } "*) PY=$p; return 0 ;; esac
    return 1
}
if [ -n "$PYTHON" ]; then
    try_python "$PYTHON" || true
    [ -n "$FIRST" ] || die "找不到 Python:$PYTHON" "Python not found: $PYTHON" 3
else
    for c in python3 python3.13 python3.12 python3.11; do
        if try_python "$c"; then break; fi
    done
fi
if [ -z "$PY" ]; then
    # No CPython of the right version: the checker, run by what there is, says which bundle or Python.
    if [ -n "$FIRST" ]; then
        set +e
        msg=$("$FIRST" -B check/bundle_check.py --lang "$L" 2>&1)
        rc=$?
        set -e
        if [ "$rc" = 3 ]; then printf '%s\n' "$msg" >&2; exit 3; fi
    fi
    die "需要 CPython $PYTHONS,这台电脑上没有找到(可用 --python 指定)" \
        "CPython $PYTHONS is needed and none was found (name one with --python)" 3
fi
if [ "$checked" = 0 ]; then
    bad=$(verify_with_python "$PY") || die "校验失败:$bad 与 SHA256SUMS 不符,安装包已损坏,请重新复制整个压缩包" \
        "Checksum mismatch: $bad differs from SHA256SUMS; the bundle is damaged, copy the whole zip again"
fi

# 3. The bundle is the one for this platform and this Python (the checker prints the one line).
set +e
"$PY" -B check/bundle_check.py --lang "$L"
rc=$?
set -e
[ "$rc" = 0 ] || exit "$rc"
PYVER=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
say "使用 Python $PYVER:$PY" "Using Python $PYVER: $PY"

# 4. Where to install; a folder of something else is never overwritten.
cd "$START_DIR"
if [ -z "$PREFIX" ] || [ -z "$BIN_DIR" ]; then
    [ -n "${HOME:-}" ] || die "没有设置 HOME:请用 --prefix 和 --bin-dir 指定文件夹" \
        "HOME is not set: give the folders with --prefix and --bin-dir" 2
fi
DEFAULT_PREFIX=${XDG_DATA_HOME:-$HOME/.local/share}/supervise-tui-app
if [ -z "$PREFIX" ]; then
    PREFIX=$DEFAULT_PREFIX
    if [ "$ASK" = 1 ] && [ -t 0 ]; then
        say "安装到哪个文件夹?直接回车即用 $DEFAULT_PREFIX" "Install into which folder? Press Enter for $DEFAULT_PREFIX"
        printf '> '
        answer=""
        read -r answer || answer=""
        [ -z "$answer" ] || PREFIX=$answer
    fi
fi
BIN_DIR=${BIN_DIR:-$HOME/.local/bin}
absolute() { case $1 in "~") printf '%s' "$HOME" ;; "~/"*) printf '%s' "$HOME/${1#\~/}" ;;
                        /*) printf '%s' "$1" ;; *) printf '%s' "$START_DIR/$1" ;; esac; }
PREFIX=$(absolute "$PREFIX")
BIN_DIR=$(absolute "$BIN_DIR")
MARK=$PREFIX/supervise-tui-install.txt
VENV=$PREFIX/venv
LAUNCHER=$BIN_DIR/supervise-tui
if [ -e "$PREFIX" ] && [ ! -f "$MARK" ]; then
    if [ ! -d "$PREFIX" ] || [ -n "$(ls -A "$PREFIX")" ]; then
        die "$PREFIX 已存在且不是 supervise-tui 的安装文件夹:请用 --prefix 选一个空的或新的文件夹" \
            "$PREFIX exists and is not a supervise-tui install folder: choose an empty or new one with --prefix" 2
    fi
fi
if [ -e "$LAUNCHER" ] && ! grep -q 'supervise-tui offline installer' "$LAUNCHER" 2>/dev/null; then
    die "$LAUNCHER 已存在,不是本安装程序写的:请用 --bin-dir 选别的文件夹" \
        "$LAUNCHER exists and was not written by this installer: choose another folder with --bin-dir" 2
fi

# 5. The virtual environment: kept when it runs this Python (an upgrade), else made afresh.
if [ -f "$MARK" ] && [ -x "$VENV/bin/python" ] && \
   [ "$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$PYVER" ]; then
    say "升级 $PREFIX 中已有的安装" "Upgrading the install in $PREFIX"
else
    say "在 $PREFIX 中建立虚拟环境" "Making a virtual environment in $PREFIX"
    mkdir -p "$PREFIX"
    "$PY" -m venv --clear --without-pip "$VENV" || die "无法在 $VENV 建立虚拟环境" "cannot make a virtual environment in $VENV"
fi
printf 'supervise-tui %s (%s), installed from %s by the offline installer\n' "$VERSION" "$TARGET" "$BUNDLE" > "$MARK"

# 6. Only the bundle's wheels: no index, no pip configuration of this machine, no network.
say "安装 supervise-tui $VERSION 及其依赖(不联网)……" "Installing supervise-tui $VERSION and its dependencies (no network)..."
PIP_WHEEL=$(ls "$HERE"/wheels/pip-*.whl | head -n 1)
if ! PIP_CONFIG_FILE=/dev/null "$VENV/bin/python" "$PIP_WHEEL/pip" install --isolated --no-index \
        --find-links "$HERE/wheels" --only-binary :all: --force-reinstall --no-cache-dir \
        --disable-pip-version-check --no-warn-script-location --quiet \
        --report "$PREFIX/install-report.json" "supervise-tui==$VERSION"; then
    die "pip 安装失败(见上方信息)" "pip could not install (see above)"
fi

# 7. The supervise-tui command, in a folder on PATH where possible.
mkdir -p "$BIN_DIR"
quoted=$(printf '%s' "$VENV/bin/supervise-tui" | sed "s/'/'\\\\''/g")
printf '#!/bin/sh\n# supervise-tui offline installer: runs the app installed in %s\nexec '"'"'%s'"'"' "$@"\n' \
    "$VENV" "$quoted" > "$LAUNCHER.tmp"
chmod 755 "$LAUNCHER.tmp"
mv -f "$LAUNCHER.tmp" "$LAUNCHER"
say "启动命令:$LAUNCHER" "The command: $LAUNCHER"
case ":${PATH:-}:" in
    *":$BIN_DIR:"*) ;;
    *) say "注意:$BIN_DIR 不在 PATH 中。请在 ~/.profile 末尾加一行 export PATH=\"$BIN_DIR:\$PATH\" 后重新登录,或直接运行 $LAUNCHER" \
           "Note: $BIN_DIR is not on PATH. Add the line export PATH=\"$BIN_DIR:\$PATH\" to ~/.profile and log in again, or run $LAUNCHER" ;;
esac

# 8. The self-check: the installed app loads the task list into a scratch store and works on it.
say "自检:" "Self-check:"
# shellcheck disable=SC2086 # LANG_OPT is empty or two words
if ! "$LAUNCHER" $LANG_OPT selfcheck; then
    die "自检失败:安装未完成,请把上面的输出交给维护人员" "The self-check failed: the install is not usable; send the output above to support"
fi
say "安装完成。运行 supervise-tui 打开界面;数据库和设置在用户数据文件夹中,升级不会改动它们。" \
    "Installed. Run supervise-tui to open the app; the database and settings stay in the user data folder, untouched by upgrades."
