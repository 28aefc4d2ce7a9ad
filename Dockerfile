FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# collectstatic needs settings to import; the key here is thrown away with the build layer.
RUN SECRET_KEY=collectstatic-only DEBUG=0 python manage.py collectstatic --noinput
RUN useradd --create-home salesops && mkdir -p /app/var && chown salesops /app/var
USER salesops
EXPOSE 8000
