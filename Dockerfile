FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# Pango and the Noto CJK fonts: WeasyPrint renders the PDF exports, Chinese text included.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock pyproject.toml ./
# Runtime dependencies only: pyproject's [project] dependencies at the versions in the lock.
# The lock also pins the dev tools (pytest, playwright, ruff, ...); they stay out of the image.
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > /tmp/runtime.txt \
    && pip install --no-cache-dir -r /tmp/runtime.txt -c requirements.lock \
    && rm /tmp/runtime.txt
COPY . .
# collectstatic needs settings to import; the key here is thrown away with the build layer.
RUN SECRET_KEY=collectstatic-only DEBUG=0 python manage.py collectstatic --noinput
RUN useradd --create-home salesops && mkdir -p /app/var && chown salesops /app/var
USER salesops
# gunicorn reads WEB_CONCURRENCY as its number of workers.
ENV WEB_CONCURRENCY=3
EXPOSE 8000
CMD ["gunicorn", "salesops.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
